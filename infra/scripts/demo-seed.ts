/**
 * Seeds one realistic case through the services' own HTTP APIs, as their users would: the LA SEND team records a
 * request and decides to assess, asks education, health and social care for advice and records the family's views;
 * each agency gives its advice (health's arrives after its 6-week limit); the draft and the final plan follow.
 * Dates are set relative to today so the statutory clock has a story to tell. Idempotent: a second run finds the
 * case and changes nothing.
 */
import { addWeeks, addDays, londonDateOf } from '@tio/ehc-domain';
import { mintToken, type TokenRequest } from '@tio/auth';

export const DEMO_CASE_ID = '6f1b3a52-4c1e-4d8a-9b7e-2a6d4e9c1f00';
export const DEMO_LA = 'E10000028'; // Staffordshire County Council (GSS code)
const DEMO_CONSULTATION_ID = '6f1b3a52-4c1e-4d8a-9b7e-2a6d4e9c1f04';
const DEMO_REQUEST_IDS = ['6f1b3a52-4c1e-4d8a-9b7e-2a6d4e9c1f01', '6f1b3a52-4c1e-4d8a-9b7e-2a6d4e9c1f02', '6f1b3a52-4c1e-4d8a-9b7e-2a6d4e9c1f03', '6f1b3a52-4c1e-4d8a-9b7e-2a6d4e9c1f05'];
/** The educational psychologist's report written for the school's SEN support last year, re-used by agreement (reg 6(4)). */
const DEMO_EP_REPORT_ID = '6f1b3a52-4c1e-4d8a-9b7e-2a6d4e9c1f06';

export interface DemoUrls {
  case: string;
  education: string;
  health: string;
  socialCare: string;
}

export interface DemoIdentity {
  name: string;
  token: TokenRequest;
}

export const DEMO_PEOPLE: Record<'caseworker' | 'senco' | 'paediatrician' | 'socialWorker', DemoIdentity> = {
  caseworker: { name: 'Priya Shah, SEND caseworker', token: { userId: 'caseworker-priya', name: 'Priya Shah', organisationId: DEMO_LA, agency: 'local-authority', roles: ['case-officer', 'practitioner'] } },
  senco: { name: 'Tom Evans, SENCO', token: { userId: 'senco-tom', name: 'Tom Evans', organisationId: 'urn:school:124356', agency: 'education', roles: ['practitioner'] } },
  paediatrician: { name: 'Dr Aisha Okafor, community paediatrician', token: { userId: 'paed-aisha', name: 'Dr Aisha Okafor', organisationId: 'nhs-trust-rlj', agency: 'health', roles: ['practitioner'] } },
  socialWorker: { name: 'Mark Lewis, social worker', token: { userId: 'sw-mark', name: 'Mark Lewis', organisationId: 'E10000028-csc', agency: 'social-care', roles: ['practitioner'] } },
};

type Json = Record<string, unknown>;

async function call(method: string, url: string, token: string, body?: Json, key?: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
}

async function expectOk(what: string, p: Promise<{ status: number; body: Json }>): Promise<Json> {
  const res = await p;
  if (res.status >= 300) throw new Error(`demo seed: ${what} failed with ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`demo seed: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Returns the demo case id; `log` narrates each step. */
export async function seedDemoCase(urls: DemoUrls, privateKeyPem: string, log: (line: string) => void = () => undefined, today = londonDateOf(new Date())): Promise<string> {
  const tokens = Object.fromEntries(
    await Promise.all(Object.entries(DEMO_PEOPLE).map(async ([k, v]) => [k, await mintToken(privateKeyPem, v.token)] as const)),
  ) as Record<keyof typeof DEMO_PEOPLE, string>;
  const caseUrl = `${urls.case}/cases/${DEMO_CASE_ID}`;
  const existing = await call('GET', caseUrl, tokens.caseworker);
  if (existing.status === 200) {
    log(`demo case ${DEMO_CASE_ID} already seeded`);
    return DEMO_CASE_ID;
  }

  // Day 0 was 19 weeks ago: the plan is due next week.
  const day0 = addWeeks(today, -19);
  const on = (weeks: number, days = 0) => addDays(addWeeks(day0, weeks), days);
  const lifecycle = (path: string, body: Json, key: string) => expectOk(path, call('POST', `${caseUrl}${path}`, tokens.caseworker, body, `demo-${key}`));

  await expectOk('request', call('POST', `${urls.case}/cases`, tokens.caseworker, {
    caseId: DEMO_CASE_ID, at: day0, childRef: 'child:demo-0042', localAuthority: DEMO_LA, source: 'school',
    requestedBy: { role: 'SENCO', personRef: 'senco-tom', organisationRef: 'urn:school:124356' },
    // personal details: stored encrypted with the case's key (retention runs from the date of birth)
    child: { dateOfBirth: '2016-09-14', name: 'Demo Child', nhsNumber: '9434765919' },
  }, 'demo-request'));
  log(`request received ${day0} (from the school's SENCO)`);
  await lifecycle('/decision-to-assess', { at: on(5) }, 'assess');
  log(`decision to assess ${on(5)}`);

  // reg 6(1)(g), 6(2): what the advice must cover (not yet in year 9, from the date of birth; no vision or hearing impairment)
  await lifecycle('/advice-scope', { at: on(5), visionOrHearingImpaired: false }, 'advice-scope');
  // reg 9 and reg 7: the family told about the information, advice and support service; the child and parent consulted at home
  await lifecycle('/family-involvement', { at: on(5), kind: 'information-advice-support', who: ['parent'], providedBy: 'information-advice-support-service', method: 'phone' }, 'ias');
  await lifecycle('/family-involvement', { at: on(6), kind: 'consulted', who: ['child', 'parent'], providedBy: 'local-authority', method: 'home-visit' }, 'consulted');
  // reg 6(4), tell it once: last year's educational psychology report is sufficient for the adviser, the LA and the family
  await lifecycle('/advice-reuses', {
    at: on(5), adviceType: 'psychological', agency: 'education', adviceId: DEMO_EP_REPORT_ID, version: 1, agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true },
  }, 'reuse-psychological');
  log(`advice scope recorded, family consulted and supported, last year's educational psychology report re-used by agreement ${on(5)}`);

  const asks: Array<{ agency: string; adviceType: string; person: keyof typeof DEMO_PEOPLE; url: string; givenAt: string; sections: Json[] }> = [
    { agency: 'local-authority', adviceType: 'parent-views', person: 'caseworker', url: urls.case, givenAt: on(7), sections: [
      { heading: 'What I want', text: 'To stay at my school with my friends and to read on my own.' },
      { heading: 'How best to support me', text: 'Give me time to answer; show me pictures of the plan for the day.' },
    ] },
    { agency: 'education', adviceType: 'educational', person: 'senco', url: urls.education, givenAt: on(9), sections: [
      { heading: 'Attainment and progress', text: 'Reading age two years below chronological age despite two cycles of SEN support (assess-plan-do-review).' },
      { heading: 'What has helped', text: 'Small-group phonics three times a week; visual timetable; a quiet space at lunchtime.' },
    ] },
    { agency: 'health', adviceType: 'medical', person: 'paediatrician', url: urls.health, givenAt: on(12, 2), sections: [
      { heading: 'Diagnosis', text: 'Autism spectrum condition (diagnosed 2024); sensory processing differences.' },
      { heading: 'Health provision', text: 'Occupational therapy review each term; sensory diet at school.' },
    ] },
    { agency: 'social-care', adviceType: 'social-care', person: 'socialWorker', url: urls.socialCare, givenAt: on(10), sections: [
      { heading: 'Family context', text: 'Known to early help; no statutory involvement. Family would value short breaks.' },
    ] },
  ];
  const requestIds: Record<string, string> = { educational: DEMO_REQUEST_IDS[0], medical: DEMO_REQUEST_IDS[1], 'social-care': DEMO_REQUEST_IDS[2], 'parent-views': DEMO_REQUEST_IDS[3] };
  for (const a of asks) {
    await lifecycle('/advice-requests', { at: on(5), agency: a.agency, adviceType: a.adviceType, adviceRequestId: requestIds[a.adviceType] }, `ask-${a.adviceType}`);
  }
  log(`advice requested from the family, education, health and social care (due ${on(11)})`);

  for (const a of asks) {
    const url = a.url;
    await waitFor(`${a.agency} to learn of the advice request`, async () => {
      const res = await call('GET', `${url}/cases/${DEMO_CASE_ID}/advice-requests`, tokens[a.person]);
      return res.status === 200 && JSON.stringify(res.body).includes(requestIds[a.adviceType]) ? true : undefined;
    });
    await expectOk(`${a.agency} advice`, call('POST', `${url}/cases/${DEMO_CASE_ID}/advice`, tokens[a.person], {
      at: a.givenAt, adviceRequestId: requestIds[a.adviceType], adviceType: a.adviceType, sections: a.sections,
    }, `demo-advice-${a.adviceType}`));
    log(`${DEMO_PEOPLE[a.person].name} gave ${a.adviceType} advice on ${a.givenAt}${a.agency === 'health' ? ' (after its 6-week limit)' : ''}`);
  }
  await waitFor('the case to record all agency advice', async () => {
    const state = (await expectOk('case', call('GET', caseUrl, tokens.caseworker)))['state'] as { adviceRequests: Record<string, { current?: unknown }> };
    return Object.values(state.adviceRequests).every((r) => r.current) ? true : undefined;
  });

  await lifecycle('/draft-plan', { at: on(14) }, 'draft');
  log(`draft plan issued ${on(14)}`);
  await lifecycle('/family-response', { at: on(15), preferredSettingRef: 'urn:school:124356', commentsRef: 'doc:family-comments-1' }, 'family');
  await lifecycle('/consultations', { at: on(15), settingRef: 'urn:school:124356', consultationId: DEMO_CONSULTATION_ID }, 'consult');
  log(`family responded and asked for the current school ${on(15)}; school consulted`);
  await lifecycle('/consultations/responses', { at: on(16, 3), consultationId: DEMO_CONSULTATION_ID, canMeetNeeds: true }, 'consulted');
  log(`the school answered ${on(16, 3)}: it can meet the child's needs`);
  await lifecycle('/final-plan', { at: on(18), namedSettingRef: 'urn:school:124356' }, 'final');
  log(`final plan issued ${on(18)}, within 20 weeks`);
  return DEMO_CASE_ID;
}
