import type { AdviceVersionFact } from './read-model';

type Data = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const day = (v: unknown): string | undefined => str(v)?.slice(0, 10);

/**
 * What an advice event (`advice.submitted.v1`, `advice.corrected.v1`, `advice.withdrawn.v1`) says about one version
 * of some advice. Reads the advice domain's payload (`submittedOn`, `by`, `version` ...) and tolerates the older
 * published shape (`submittedAt`, `correctsVersion`) so a payload mapping in the contracts does not blind the view.
 */
export function adviceFactFrom(type: string, data: Data, eventId: string, fallback: { caseId: string; time: string; actorUserId?: string; actorOrganisationId?: string }): AdviceVersionFact | undefined {
  const kind = type === 'advice.submitted.v1' ? 'submitted' : type === 'advice.corrected.v1' ? 'corrected' : type === 'advice.withdrawn.v1' ? 'withdrawn' : undefined;
  const adviceId = str(data['adviceId']);
  const agency = str(data['agency']);
  if (!kind || !adviceId) return undefined;
  const by = (data['by'] ?? {}) as Data;
  const version =
    typeof data['version'] === 'number' ? data['version'] : kind === 'corrected' && typeof data['correctsVersion'] === 'number' ? data['correctsVersion'] + 1 : 1;
  const on =
    day(data['submittedOn']) ?? day(data['correctedOn']) ?? day(data['withdrawnOn']) ?? day(data['submittedAt']) ?? day(data['correctedAt']) ?? day(data['withdrawnAt']) ?? fallback.time.slice(0, 10);
  const sections = Array.isArray(data['sections']) ? (data['sections'] as Data[]) : [];
  const citations = Array.isArray(data['citations']) ? (data['citations'] as AdviceVersionFact['citations']) : [];
  return {
    adviceId,
    version,
    kind,
    caseId: str(data['caseId']) ?? fallback.caseId,
    assessmentId: str(data['assessmentId']),
    agency: agency ?? 'unknown',
    adviceType: str(data['adviceType']) ?? 'unknown',
    adviceRequestId: str(data['adviceRequestId']),
    on,
    authorRef: str(by['userRef']) ?? fallback.actorUserId,
    organisationRef: str(by['organisationRef']) ?? fallback.actorOrganisationId,
    reason: str(data['reason']),
    headings: sections.map((s) => String(s?.['heading'] ?? '')).filter(Boolean),
    citations: citations.map((c) => ({ adviceId: c.adviceId, ...(c.version !== undefined ? { version: c.version } : {}), ...(c.agency ? { agency: c.agency } : {}) })),
    eventId,
  };
}
