// Live updates of the case page's timeline (an enhancement: the page is complete without it). The browser follows
// this service's /cases/:id/live (Server-Sent Events); each entry arrives already written as the page writes it.
const list = document.getElementById('entries');
const href = list && list.getAttribute('data-live');
if (href && 'EventSource' in window) {
  const status = document.getElementById('live-status');
  const count = document.getElementById('entry-count');
  const source = new EventSource(href);
  const element = (tag, className, text) => {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  };
  source.addEventListener('entry', (event) => {
    let e;
    try {
      e = JSON.parse(event.data);
    } catch {
      return;
    }
    if (!e || !e.id || [...list.children].some((li) => li.getAttribute('data-id') === e.id)) return;
    const li = element('li', 'tio-timeline__entry tio-timeline__entry--new');
    li.setAttribute('data-id', e.id);
    li.setAttribute('data-kind', e.kind || '');
    li.appendChild(element('h3', 'govuk-heading-s govuk-!-margin-bottom-1', e.title));
    const when = element('p', 'govuk-body-s govuk-!-margin-bottom-1');
    const time = element('time', '', e.on);
    time.setAttribute('datetime', e.onIso || '');
    when.appendChild(time);
    when.appendChild(document.createTextNode(` · ${e.agency}`));
    li.appendChild(when);
    li.appendChild(element('p', 'govuk-body govuk-!-margin-bottom-0', e.summary));
    if (e.responsibility) {
      const who = element('p', 'govuk-body govuk-!-margin-bottom-0 govuk-!-margin-top-1 tio-responsibility');
      who.appendChild(element('strong', '', 'Who is responsible:'));
      who.appendChild(document.createTextNode(` ${e.responsibility}`));
      li.appendChild(who);
    }
    list.appendChild(li);
    if (count) count.textContent = String(list.children.length);
    if (status) status.textContent = `New on the timeline: ${e.title}`;
  });
}
