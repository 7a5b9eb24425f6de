import type { TransactionContext } from '@tio/messaging';
import type { Pool } from 'pg';

/** Anything that runs SQL and returns rows: a consumer transaction or the pool. */
export type Sql = TransactionContext;

export function poolSql(pool: Pool): Sql {
  return { query: async (sql, params) => (await pool.query(sql, params as unknown[])).rows };
}

export interface AdviceRequestRow {
  adviceRequestId: string;
  caseId: string;
  assessmentId: string;
  agency: string;
  adviceType: string;
  adviserRef?: string;
  requestedOn?: string;
  dueOn?: string;
}

/** A fact about one version of some advice, as any agency's advice event describes it. */
export interface AdviceVersionFact {
  adviceId: string;
  version: number;
  kind: 'submitted' | 'corrected' | 'withdrawn';
  caseId: string;
  assessmentId?: string;
  agency: string;
  adviceType: string;
  adviceRequestId?: string;
  on: string;
  authorRef?: string;
  organisationRef?: string;
  reason?: string;
  headings: string[];
  citations: Array<{ adviceId: string; version?: number; agency?: string }>;
  eventId: string;
}

export interface AdviceSummary {
  adviceId: string;
  agency: string;
  adviceType: string;
  assessmentId?: string;
  adviceRequestId?: string;
  status: 'current' | 'withdrawn';
  currentVersion: number;
  firstSubmittedOn: string;
  lastChangedOn: string;
  /** Headings of the current version: what the advice covers, without its text. */
  headings: string[];
  citations: AdviceVersionFact['citations'];
  versions: Array<{ version: number; kind: string; on: string; authorRef?: string; reason?: string }>;
}

/** The read model the kit keeps from Kafka (and from its own commands, so a writer reads its own write). */
export const readModel = {
  async recordCase(q: Sql, c: { caseId: string; localAuthority?: string; receivedOn?: string; eventId?: string }): Promise<void> {
    await q.query(
      `INSERT INTO agency_kit.cases (case_id, local_authority, received_on, event_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (case_id) DO UPDATE SET local_authority = COALESCE(EXCLUDED.local_authority, agency_kit.cases.local_authority),
         received_on = COALESCE(EXCLUDED.received_on, agency_kit.cases.received_on)`,
      [c.caseId, c.localAuthority ?? null, c.receivedOn ?? null, c.eventId ?? null],
    );
  },

  async recordRequest(q: Sql, r: AdviceRequestRow, eventId: string): Promise<void> {
    await this.recordCase(q, { caseId: r.caseId });
    await q.query(
      `INSERT INTO agency_kit.advice_requests (advice_request_id, case_id, assessment_id, agency, advice_type, adviser_ref, requested_on, due_on, event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (advice_request_id) DO NOTHING`,
      [r.adviceRequestId, r.caseId, r.assessmentId, r.agency, r.adviceType, r.adviserRef ?? null, r.requestedOn ?? null, r.dueOn ?? null, eventId],
    );
  },

  async recordAdviceVersion(q: Sql, f: AdviceVersionFact): Promise<void> {
    await q.query(
      `INSERT INTO agency_kit.advice_versions (advice_id, version, kind, case_id, assessment_id, agency, advice_type, advice_request_id, on_date,
         author_ref, organisation_ref, reason, headings, citations, event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (advice_id, version, kind) DO NOTHING`,
      [
        f.adviceId, f.version, f.kind, f.caseId, f.assessmentId ?? null, f.agency, f.adviceType, f.adviceRequestId ?? null, f.on,
        f.authorRef ?? null, f.organisationRef ?? null, f.reason ?? null, JSON.stringify(f.headings), JSON.stringify(f.citations), f.eventId,
      ],
    );
  },

  /** A case event the family's advice route needs (family_advice-rule.ts FAMILY_CASE_EVENT_TYPES), once. */
  async recordFamilyCaseEvent(q: Sql, e: { eventId: string; caseId: string; type: string; data: Record<string, unknown>; occurredAt: string }): Promise<void> {
    await q.query(
      `INSERT INTO agency_kit.case_family_events (event_id, case_id, type, data, occurred_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING`,
      [e.eventId, e.caseId, e.type, JSON.stringify(e.data), e.occurredAt],
    );
  },

  /** The case's kept family events, in the case's order. */
  async familyCaseEvents(q: Sql, caseId: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
    return q.query<{ type: string; data: Record<string, unknown> }>(
      'SELECT type, data FROM agency_kit.case_family_events WHERE case_id = $1 ORDER BY occurred_at, recorded_at, event_id',
      [caseId],
    );
  },

  async caseKnown(q: Sql, caseId: string): Promise<boolean> {
    return (await q.query('SELECT 1 FROM agency_kit.cases WHERE case_id = $1', [caseId])).length > 0;
  },

  async request(q: Sql, adviceRequestId: string): Promise<AdviceRequestRow | undefined> {
    return (await q.query<AdviceRequestRow>(`${REQUEST_SELECT} WHERE advice_request_id = $1`, [adviceRequestId]))[0];
  },

  async requestsFor(q: Sql, caseId: string, agency: string): Promise<AdviceRequestRow[]> {
    return q.query<AdviceRequestRow>(`${REQUEST_SELECT} WHERE case_id = $1 AND agency = $2 ORDER BY requested_on, advice_request_id`, [caseId, agency]);
  },

  /** The latest request of a type from this agency on the case (the assessment a correction belongs to). */
  async latestRequest(q: Sql, caseId: string, agency: string, adviceType: string): Promise<AdviceRequestRow | undefined> {
    return (
      await q.query<AdviceRequestRow>(`${REQUEST_SELECT} WHERE case_id = $1 AND agency = $2 AND advice_type = $3 ORDER BY requested_on DESC, recorded_at DESC LIMIT 1`, [caseId, agency, adviceType])
    )[0];
  },

  async adviceOnCase(q: Sql, caseId: string): Promise<AdviceSummary[]> {
    const rows = await q.query<{
      advice_id: string; version: number; kind: AdviceVersionFact['kind']; agency: string; advice_type: string; assessment_id: string | null;
      advice_request_id: string | null; on_date: string; author_ref: string | null; reason: string | null; headings: string[]; citations: AdviceVersionFact['citations'];
    }>(
      `SELECT advice_id, version, kind, agency, advice_type, assessment_id, advice_request_id, on_date, author_ref, reason, headings, citations
         FROM agency_kit.advice_versions WHERE case_id = $1
        ORDER BY advice_id, version, CASE kind WHEN 'withdrawn' THEN 1 ELSE 0 END`,
      [caseId],
    );
    const byId = new Map<string, AdviceSummary>();
    for (const r of rows) {
      let s = byId.get(r.advice_id);
      if (!s) {
        s = {
          adviceId: r.advice_id, agency: r.agency, adviceType: r.advice_type, assessmentId: r.assessment_id ?? undefined, adviceRequestId: r.advice_request_id ?? undefined,
          status: 'current', currentVersion: r.version, firstSubmittedOn: r.on_date, lastChangedOn: r.on_date, headings: [], citations: [], versions: [],
        };
        byId.set(r.advice_id, s);
      }
      s.versions.push({ version: r.version, kind: r.kind, on: r.on_date, authorRef: r.author_ref ?? undefined, reason: r.reason ?? undefined });
      s.lastChangedOn = r.on_date > s.lastChangedOn ? r.on_date : s.lastChangedOn;
      if (r.kind === 'withdrawn') {
        s.status = 'withdrawn';
      } else if (r.version >= s.currentVersion) {
        s.status = 'current';
        s.currentVersion = r.version;
        s.headings = r.headings;
        s.citations = r.citations;
      }
    }
    return [...byId.values()].sort((a, b) => a.firstSubmittedOn.localeCompare(b.firstSubmittedOn) || a.agency.localeCompare(b.agency) || a.adviceType.localeCompare(b.adviceType));
  },
};

const REQUEST_SELECT = `SELECT advice_request_id AS "adviceRequestId", case_id AS "caseId", assessment_id AS "assessmentId", agency,
  advice_type AS "adviceType", adviser_ref AS "adviserRef", requested_on AS "requestedOn", due_on AS "dueOn" FROM agency_kit.advice_requests`;
