// The practitioners' page: no framework, no build step. Everything it shows comes from the timeline API with the
// practitioner's own token; the token is kept in this tab's sessionStorage only.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const AGENCY = { 'local-authority': 'Local authority', education: 'Education', health: 'Health', 'social-care': 'Social care', family: 'Family', other: 'Other', system: 'System' };
  const state = { token: null, caseId: null, entries: new Map(), source: null, resume: null };
  const dateFmt = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' });
  const dayFmt = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
  const day = (d) => (d ? dayFmt.format(new Date(d + 'T00:00:00Z')) : '–');

  function showError(message) {
    const el = $('error');
    el.textContent = message;
    el.hidden = !message;
  }

  async function api(path) {
    const res = await fetch(path, { headers: { Authorization: 'Bearer ' + state.token, Accept: 'application/json' } });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.message || ('The timeline service answered ' + res.status));
    return body;
  }

  function claims(token) {
    try {
      return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    } catch (e) {
      return null;
    }
  }

  async function useToken(token) {
    state.token = token.trim();
    sessionStorage.setItem('tio-token', state.token);
    const c = claims(state.token);
    $('who').textContent = c ? 'Signed in as ' + (c.name || c.sub) + ' (' + c.org + ', ' + (AGENCY[c.agency] || c.agency) + ')' : '';
    showError('');
    try {
      const { cases } = await api('/cases');
      const select = $('case-select');
      select.replaceChildren(...cases.map((k) => {
        const o = document.createElement('option');
        o.value = k.caseId;
        o.textContent = 'Case ' + k.caseId.slice(0, 8) + ' · ' + stageOf(k.caseStatus) + (k.overdueCount ? ' · ' + k.overdueCount + ' overdue' : '');
        return o;
      }));
      $('cases-panel').hidden = false;
      $('cases-note').textContent = cases.length ? cases.length + ' case(s) your organisation is involved in.' : 'No cases involve your organisation yet.';
      const wanted = new URLSearchParams(location.search).get('case');
      if (wanted && cases.some((k) => k.caseId === wanted)) select.value = wanted;
      if (cases.length) await openCase(select.value);
    } catch (err) {
      showError(err.message);
    }
  }

  const orderKey = (e) => e.occurredAt + '|' + e.recordedAt + '|' + e.id;

  function render(newIds) {
    const agency = $('agency-filter').value;
    const kind = $('kind-filter').value;
    const sorted = [...state.entries.values()].sort((a, b) => (orderKey(a) < orderKey(b) ? -1 : orderKey(a) > orderKey(b) ? 1 : 0));
    const items = [];
    sorted.forEach((e, i) => {
      e.seq = i + 1;
      if (agency && e.agency !== agency) return;
      if (kind && e.kind !== kind) return;
      const li = document.createElement('li');
      li.className = 'entry' + (newIds && newIds.has(e.id) ? ' new' : '');
      li.dataset.id = e.id;
      li.dataset.kind = e.kind;
      const seq = document.createElement('span');
      seq.className = 'seq';
      seq.textContent = String(e.seq);
      const body = document.createElement('div');
      const h = document.createElement('h3');
      const tag = document.createElement('span');
      tag.className = 'tag';
      tag.dataset.agency = e.agency;
      tag.textContent = AGENCY[e.agency] || e.agency;
      h.append(tag, document.createTextNode(e.title));
      const p = document.createElement('p');
      p.textContent = e.summary;
      const meta = document.createElement('p');
      meta.className = 'meta';
      const time = document.createElement('time');
      time.dateTime = e.occurredAt;
      time.textContent = dateFmt.format(new Date(e.occurredAt));
      meta.append(time, document.createTextNode(' · ' + e.who.userId + ', ' + e.who.organisationId));
      body.append(h, p, meta);
      li.append(seq, body);
      items.push(li);
    });
    $('entries').replaceChildren(...items);
    $('entry-count').textContent = String(state.entries.size);
  }

  const STATUS = {
    none: 'no request recorded', requested: 'deciding whether to assess', 'assessment-refused': 'decided not to assess', assessing: 'assessment under way',
    'plan-refused': 'decided not to issue a plan', 'draft-issued': 'draft plan issued', 'plan-in-force': 'plan in force', ceased: 'plan ceased',
  };
  const stageOf = (caseStatus) => STATUS[caseStatus] || String(caseStatus || '–').replace(/-/g, ' ');
  const WHO = Object.assign({}, AGENCY, { other: 'Other adviser' });

  // the statutory clock comes from the domain library (@tio/ehc-domain statutoryStatus), computed by the service
  async function loadStatus() {
    const s = await api('/cases/' + state.caseId + '/status');
    $('stage').textContent = stageOf(s.caseStatus);
    $('week').textContent = s.weekOfProcess !== undefined && ['requested', 'assessing', 'draft-issued'].includes(s.caseStatus) ? 'Week ' + s.weekOfProcess + ' of 20' : '–';
    // the limits of the LA responsible now, from day 0 (after a move mid-assessment: the new LA's, not the old LA's lapsed one)
    const limit = (d, doneAs) => d ? day(d.dueOn) + (d.refs && d.refs.responsibleAuthority ? ' (' + d.refs.responsibleAuthority + ')' : '') + (d.metOn ? ' (' + doneAs + ' ' + day(d.metOn) + ')' : d.status === 'lapsed' ? ' (no longer applies)' : '') : '–';
    $('issue-decision-due').textContent = limit(s.decisionWhetherToIssue, 'decided');
    $('final-due').textContent = limit(s.finalPlan, 'issued');
    $('next-deadline').textContent = s.next ? s.next.what + ' (' + (WHO[s.next.responsible] || s.next.responsible) + '), ' + day(s.next.dueOn) : 'None';
    const list = Object.entries(s.overdueByResponsible || {}).flatMap(([who, items]) => items.map((d) => {
      const li = document.createElement('li');
      li.dataset.responsible = who;
      li.textContent = (WHO[who] || who) + ': ' + d.what + ' — due ' + day(d.dueOn) + ' (' + d.daysLate + ' days overdue; ' + d.regulation + ')';
      return li;
    }));
    if (!list.length) {
      const li = document.createElement('li');
      li.className = 'none';
      li.textContent = 'Nothing is overdue.';
      list.push(li);
    }
    $('overdue').replaceChildren(...list);
    $('as-of').textContent = day(s.asOf);
  }

  async function openCase(caseId) {
    if (state.source) state.source.close();
    state.caseId = caseId;
    state.entries = new Map();
    showError('');
    try {
      let cursor = null;
      let resume = null;
      do {
        const page = await api('/cases/' + caseId + '/timeline?limit=500' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
        resume = resume || page.resumeToken;
        page.entries.forEach((e) => state.entries.set(e.id, e));
        cursor = page.nextCursor;
      } while (cursor);
      $('case-view').hidden = false;
      render();
      await loadStatus();
      follow(resume);
    } catch (err) {
      showError(err.message);
    }
  }

  function follow(resume) {
    // EventSource cannot send an Authorization header: the token goes in the query (this route only)
    const url = '/cases/' + state.caseId + '/timeline/stream?access_token=' + encodeURIComponent(state.token) + '&lastEventId=' + encodeURIComponent(resume);
    const source = new EventSource(url);
    state.source = source;
    let statusTimer = null;
    source.onopen = () => { $('live-state').textContent = 'Live: new entries appear here'; };
    source.onerror = () => { $('live-state').textContent = 'Reconnecting…'; };
    source.addEventListener('reset', () => { state.entries = new Map(); render(); });
    source.addEventListener('entry', (msg) => {
      const e = JSON.parse(msg.data);
      state.entries.set(e.id, e);
      render(new Set([e.id]));
      clearTimeout(statusTimer);
      statusTimer = setTimeout(() => loadStatus().catch(() => undefined), 300);
    });
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('token-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      useToken($('token').value);
    });
    $('case-select').addEventListener('change', (ev) => openCase(ev.target.value));
    $('agency-filter').addEventListener('change', () => render());
    $('kind-filter').addEventListener('change', () => render());
    const params = new URLSearchParams(location.search);
    const fromUrl = params.get('token');
    if (fromUrl) {
      // keep the token out of the address bar and history once read
      params.delete('token');
      history.replaceState(null, '', location.pathname + (params.toString() ? '?' + params : ''));
    }
    const token = fromUrl || sessionStorage.getItem('tio-token');
    if (token) {
      $('token').value = token;
      useToken(token);
    }
  });
})();
