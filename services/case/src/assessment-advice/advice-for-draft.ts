import { randomUUID } from 'node:crypto';

/** One POST to the case API that must succeed (the caller's own client: supertest, fetch). */
export type CaseStep = (path: string, body: object) => Promise<unknown>;

/**
 * For tests and demos that are not about advice: makes a case's assessment ready for a draft plan under reg 6(1) in
 * one go, all on `on` (any day after the decision to assess): the scope recorded (not in year 9, no vision or hearing
 * impairment), the educational, medical, psychological and social care advice re-used by agreement (reg 6(4)), and
 * the family's own views asked for and recorded as declined (reg 6(1)(a)). Returns the ids it used.
 */
export async function adviceForDraft(step: CaseStep, caseId: string, on: string): Promise<{ parentViewsRequestId: string }> {
  const base = `/cases/${caseId}`;
  await step(`${base}/advice-scope`, { at: on, inOrBeyondYear9: false, visionOrHearingImpaired: false });
  const reused = [['educational', 'education'], ['medical', 'health'], ['psychological', 'education'], ['social-care', 'social-care']] as const;
  for (const [adviceType, agency] of reused) {
    await step(`${base}/advice-reuses`, {
      at: on, adviceType, agency, adviceId: randomUUID(), version: 1, agreement: { adviser: true, localAuthority: true, parentOrYoungPerson: true },
    });
  }
  const parentViewsRequestId = randomUUID();
  await step(`${base}/advice-requests`, { at: on, adviceType: 'parent-views', agency: 'local-authority', adviceRequestId: parentViewsRequestId });
  await step(`${base}/advice-not-awaited`, { at: on, adviceRequestIds: [parentViewsRequestId], reason: 'family-declined-to-give-views' });
  return { parentViewsRequestId };
}
