/**
 * Seeds one realistic case through the services' own HTTP APIs, as their users would: the LA SEND team records a
 * request and decides to assess, invites the parent (Jo Carter), who links herself with the code, gives the family's
 * views and later answers the draft; the LA asks education, health and social care for advice;
 * each agency gives its advice (health's arrives after its 6-week limit); the draft (with its sections A-K, reg 12) and
 * the final plan follow; a year later the annual review, where the family ask for a personal budget (agreed as a
 * direct payment) and the LA amends the plan (sections F and J change). Dates are set relative to today so the
 * statutory clock has a story to tell. Idempotent: a second run finds the case and changes nothing.
 */
import { addWeeks, addDays, londonDateOf } from '@tio/ehc-domain';
import { citizenSubject, mintFamilyToken, mintToken, type TokenRequest } from '@tio/auth';
import { DEV_CITIZEN_OIDC_PORT } from './services';

export const DEMO_CASE_ID = '6f1b3a52-4c1e-4d8a-9b7e-2a6d4e9c1f00';
export const DEMO_LA = 'E10000028'; // Staffordshire County Council (GSS code)
const DEMO_CONSULTATION_ID = '6f1b3a52-4c1e-4d8a-9b7e-2a6d4e9c1f04';
const DEMO_REQUEST_IDS = ['6f1b3a52-4c1e-4d8a-9b7e-2a6d4e9c1f01', '6f1b3a52-4c1e-4d8a-9b7e-2a6d4e9c1f02', '6f1b3a52-4c1e-4d8a-9b7e-2a6d4e9c1f03', '6f1b3a52-4c1e-4d8a-9b7e-2a6d4e9c1f05'];
/** The educational psychologist's report written for the school's SEN support last year, re-used by agreement (reg 6(4)). */
const DEMO_EP_REPORT_ID = '6f1b3a52-4c1e-4d8a-9b7e-2a6d4e9c1f06';
const DEMO_REVIEW_ID = '6f1b3a52-4c1e-4d8a-9b7e-2a6d4e9c1f07';
const DEMO_PERSONAL_BUDGET_ID = '6f1b3a52-4c1e-4d8a-9b7e-2a6d4e9c1f08';
const DEMO_AMENDMENT_ID = '6f1b3a52-4c1e-4d8a-9b7e-2a6d4e9c1f09';
const DEMO_INVITATION_ID = '6f1b3a52-4c1e-4d8a-9b7e-2a6d4e9c1f0a';

/** The plan's sections A-K (reg 12(1)): each need in B has an outcome in E and provision in F; I names no school in a draft (s.38(5)). */
function demoPlanSections(adviceIds: string[]): Json[] {
  return [
    { section: 'A', text: 'Loves drawing and trains; wants to read on their own and to stay at school with their friends.' },
    { section: 'B', items: [
      { itemId: 'need-reading', text: 'Reading age two years below chronological age (phonological processing).' },
      { itemId: 'need-communication', text: 'Social communication and sensory processing differences (autism spectrum condition).' },
    ] },
    { section: 'C', items: [{ itemId: 'need-sensory', text: 'Sensory processing differences needing an occupational therapy review each term.' }] },
    { section: 'D', text: 'No social care needs requiring provision; the family were told about short breaks.' },
    { section: 'E', items: [
      { itemId: 'out-reading', text: 'By the end of the school year, reads a familiar book aloud with 90% accuracy.', needIds: ['need-reading'] },
      { itemId: 'out-transitions', text: 'By the end of the school year, moves between activities using a visual timetable without adult prompting.', needIds: ['need-communication'] },
    ] },
    { section: 'F', items: [
      { itemId: 'prov-phonics', text: 'Small-group phonics, 3 x 30 minutes a week, by a trained teaching assistant.', needIds: ['need-reading'] },
      { itemId: 'prov-visual', text: 'A visual timetable in every lesson and a quiet space at lunchtime, planned by the SENCO.', needIds: ['need-communication'] },
      { itemId: 'prov-slt', text: 'Speech and language therapy, 6 sessions a term, by a specialist therapist.', needIds: ['need-communication'] },
    ] },
    { section: 'G', items: [{ itemId: 'prov-ot', text: 'Occupational therapy review each term and a sensory diet at school.', needIds: ['need-sensory'] }] },
    { section: 'H1', text: 'None.' },
    { section: 'H2', text: 'None.' },
    { section: 'I', text: 'The school is named in the final plan, after the family have commented.' },
    { section: 'J', text: 'No personal budget has been asked for.' },
    { section: 'K', adviceIds },
  ];
}

export interface DemoUrls {
  case: string;
  education: string;
  health: string;
  socialCare: string;
  /** The citizen identity provider Jo signs in at (her subject is namespaced by it): by default the development one. */
  citizenIssuer?: string;
}

/** Where `npm start` runs the development citizen identity provider unless DEV_CITIZEN_OIDC_PORT says otherwise. */
export const DEV_CITIZEN_ISSUER = `http://127.0.0.1:${DEV_CITIZEN_OIDC_PORT.port}`;

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

/**
 * The demo's family: Jo is a citizen, so she signs in at the citizen identity provider (user `jo` at the development
 * one), where she has only a `sub` and an email address; the platform knows her as citizen:<issuer>#<sub>.
 */
export const DEMO_FAMILY = {
  jo: { name: 'Jo Carter, parent of the demo child', sub: 'urn:fdc:gov.uk:2022:dev-jo-carter-4Kx9', email: 'jo.carter@example.org' },
} as const;

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
  ) as Record<keyof typeof DEMO_PEOPLE | 'parent', string>;
  // Jo's token is the one the web service's exchange gives her after she signs in at the citizen identity provider
  tokens.parent = await mintFamilyToken(privateKeyPem, { subject: citizenSubject(urls.citizenIssuer ?? DEV_CITIZEN_ISSUER, DEMO_FAMILY.jo.sub), expiresIn: '1h' });
  const caseUrl = `${urls.case}/cases/${DEMO_CASE_ID}`;
  const existing = await call('GET', caseUrl, tokens.caseworker);
  if (existing.status === 200) {
    log(`demo case ${DEMO_CASE_ID} already seeded`);
    return DEMO_CASE_ID;
  }

  // Day 0 was 71 weeks ago: the final plan in week 18, its first annual review a year later, the amended plan last week.
  const day0 = addWeeks(today, -71);
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
  await lifecycle('/family-involvement', { at: on(6), kind: 'consulted', who: ['child', 'parent'], providedBy: 'local-authority', method: 'home-visit' }, 'family-consulted');
  // reg 6(4), tell it once: last year's educational psychology report is sufficient for the adviser, the LA and the family
  await lifecycle('/advice-reuses', {
    at: on(5), adviceType: 'psychological', agency: 'education', adviceId: DEMO_EP_REPORT_ID, version: 1, agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true },
  }, 'reuse-psychological');
  log(`advice scope recorded, family consulted and supported, last year's educational psychology report re-used by agreement ${on(5)}`);

  // issue #21: the SEND team invites Jo (parent, with parental responsibility); she signs in and uses the one-time code.
  // The invitation is dated today: a code is good for 28 days, and Jo uses it now.
  const invitation = await expectOk('family invitation', call('POST', `${caseUrl}/family/invitations`, tokens.caseworker, {
    invitationId: DEMO_INVITATION_ID, relationship: 'parent', parentalResponsibility: true, contact: { name: 'Jo Carter', email: DEMO_FAMILY.jo.email },
  }, 'demo-family-invitation'));
  await expectOk('Jo uses her code', call('POST', `${urls.case}/family/invitations/acceptance`, tokens.parent, { code: invitation['code'] }, 'demo-family-acceptance'));
  log(`${DEMO_FAMILY.jo.name} invited and linked to the case ${today} (signs in as jo at the citizen identity provider)`);

  const asks: Array<{ agency: string; adviceType: string; person: keyof typeof DEMO_PEOPLE | 'parent'; url: string; givenAt: string; sections: Json[] }> = [
    // the family's views (Section A): Jo gives them herself, through the family route
    { agency: 'local-authority', adviceType: 'parent-views', person: 'parent', url: urls.case, givenAt: on(7), sections: [
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
    const family = a.person === 'parent';
    await waitFor(`${a.agency} to learn of the advice request`, async () => {
      const res = await call('GET', `${url}/cases/${DEMO_CASE_ID}/advice-requests`, tokens[family ? 'caseworker' : a.person]);
      return res.status === 200 && JSON.stringify(res.body).includes(requestIds[a.adviceType]) ? true : undefined;
    });
    await expectOk(`${a.agency} advice`, family
      ? call('POST', `${caseUrl}/family/views`, tokens.parent, { at: a.givenAt, sections: a.sections }, `demo-advice-${a.adviceType}`)
      : call('POST', `${url}/cases/${DEMO_CASE_ID}/advice`, tokens[a.person], {
        at: a.givenAt, adviceRequestId: requestIds[a.adviceType], adviceType: a.adviceType, sections: a.sections,
      }, `demo-advice-${a.adviceType}`));
    log(`${a.person === 'parent' ? DEMO_FAMILY.jo.name : DEMO_PEOPLE[a.person].name} gave ${a.adviceType} advice on ${a.givenAt}${a.agency === 'health' ? ' (after its 6-week limit)' : ''}`);
  }
  const adviceIds = await waitFor('the case to record all agency advice', async () => {
    const state = (await expectOk('case', call('GET', caseUrl, tokens.caseworker)))['state'] as { adviceRequests: Record<string, { current?: { adviceId: string } }> };
    const current = Object.values(state.adviceRequests).map((r) => r.current?.adviceId);
    return current.every(Boolean) ? [DEMO_EP_REPORT_ID, ...(current as string[])] : undefined;
  });

  // reg 12: the draft's sections A-K; section K lists the advice recorded on the case
  await lifecycle('/draft-plan', { at: on(14), contents: { sections: demoPlanSections(adviceIds) } }, 'draft');
  log(`draft plan issued ${on(14)} with sections A-K`);
  // Jo answers the draft herself within her 15 days: her comments, a meeting, and the school she wants named
  await expectOk('Jo responds to the draft', call('POST', `${caseUrl}/family/draft-response`, tokens.parent, {
    at: on(15), preferredSettingRef: 'urn:school:124356', meetingRequested: true,
    comments: 'We are happy with most of the plan. Please make the speech and language therapy weekly, and can we meet to talk about lunchtimes?',
  }, 'demo-family'));
  await lifecycle('/consultations', { at: on(15), settingRef: 'urn:school:124356', consultationId: DEMO_CONSULTATION_ID }, 'consult');
  log(`${DEMO_FAMILY.jo.name} responded to the draft ${on(15)}: comments, a meeting, the current school; school consulted`);
  await lifecycle('/consultations/responses', { at: on(16, 3), consultationId: DEMO_CONSULTATION_ID, canMeetNeeds: true }, 'consulted');
  log(`the school answered ${on(16, 3)}: it can meet the child's needs`);
  await lifecycle('/final-plan', { at: on(18), namedSettingRef: 'urn:school:124356' }, 'final');
  log(`final plan issued ${on(18)}, within 20 weeks (the draft's sections carried forward, the school named in section I)`);

  // A year on: the annual review (CFA 2014 s.44; regs 20-21); the family ask for a personal budget with a direct payment
  // for the speech and language therapy (CFA 2014 s.49; Personal Budgets Regulations reg 4), agreed before the meeting
  const after = (weeks: number, days = 0) => on(18 + weeks, days);
  await lifecycle('/reviews', { at: after(44), reviewId: DEMO_REVIEW_ID, meetingOn: after(49) }, 'review');
  await lifecycle('/personal-budgets', { at: after(45), personalBudgetId: DEMO_PERSONAL_BUDGET_ID, requestedBy: 'parent', reviewId: DEMO_REVIEW_ID, directPaymentRequested: true }, 'pb-request');
  await lifecycle(`/personal-budgets/${DEMO_PERSONAL_BUDGET_ID}/decision`, {
    at: after(47), decision: 'agreed', parts: [{ arrangement: 'direct-payment', annualAmountPence: 120000, provisionItemIds: ['prov-slt'] }],
  }, 'pb-decision');
  log(`annual review arranged ${after(44)} for ${after(49)}; personal budget asked for ${after(45)}, agreed ${after(47)} as a direct payment of £1,200 a year`);
  await lifecycle(`/reviews/${DEMO_REVIEW_ID}/papers`, { at: after(47) }, 'review-papers');
  await lifecycle(`/reviews/${DEMO_REVIEW_ID}/meeting`, { at: after(49) }, 'review-meeting');
  await lifecycle(`/personal-budgets/${DEMO_PERSONAL_BUDGET_ID}/reviews`, { at: after(49), reviewId: DEMO_REVIEW_ID, outcome: 'continued' }, 'pb-review');
  await lifecycle(`/reviews/${DEMO_REVIEW_ID}/report`, { at: after(50) }, 'review-report');
  await lifecycle(`/reviews/${DEMO_REVIEW_ID}/decision`, { at: after(50), reviewId: DEMO_REVIEW_ID, decision: 'amend' }, 'review-decision');
  // reg 22: the proposals go with the decision; the amended plan after the family's 15 days changes F and J
  await lifecycle('/amendments', { at: after(50), amendmentId: DEMO_AMENDMENT_ID, trigger: 'annual-review', reviewId: DEMO_REVIEW_ID }, 'amend-proposal');
  await lifecycle('/amended-plan', {
    at: after(52, 2), amendmentId: DEMO_AMENDMENT_ID, contents: { sections: [
      { section: 'F', items: [
        { itemId: 'prov-phonics', text: 'Small-group phonics, 4 x 30 minutes a week, by a trained teaching assistant.', needIds: ['need-reading'] },
        { itemId: 'prov-visual', text: 'A visual timetable in every lesson and a quiet space at lunchtime, planned by the SENCO.', needIds: ['need-communication'] },
        { itemId: 'prov-slt', text: 'Speech and language therapy, 6 sessions a term, by a specialist therapist the family arrange with the direct payment.', needIds: ['need-communication'] },
      ] },
      { section: 'J', text: 'A personal budget of £1,200 a year, paid as a direct payment to the parent, for the speech and language therapy in F.' },
    ] },
  }, 'amended');
  log(`review held ${after(49)}, decided to amend ${after(50)}; amended plan issued ${after(52, 2)} (sections F and J changed)`);
  return DEMO_CASE_ID;
}
