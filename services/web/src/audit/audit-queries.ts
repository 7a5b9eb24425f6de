import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { AuditApi, AuditRefused, type AuditDownload } from './audit-api';
import type { PerformanceReport } from './chart';

/** The audit service's answers the auditor's pages read (the fields they show). */
export interface IntegrityReport {
  checkedAt: string;
  valid: boolean;
  caseId?: string;
  stores: Array<{ store: string; streamsChecked: number; eventsChecked: number; valid: boolean }>;
  breaks: Array<{ store: string; stream: string; revision: number; eventId?: string; reason: string; explanation: string }>;
}

export interface HistoryEntry {
  position: number;
  source: string;
  streamName: string;
  revision: number;
  eventId: string;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: { userId: string; organisationId: string; agency: string; role: string };
  correlationId: string;
  causationId?: string;
}

export interface DriftReport {
  caseId: string;
  checkedAt: string;
  inSync: boolean;
  storeEvents: number;
  timelineEntries: number;
  missing: Array<{ eventId: string; type: string; source: string; recordedAt: string; recent: boolean }>;
  extra: Array<{ eventId: string; seq: number; type: string }>;
  reordered: Array<{ eventId: string; timelineSeq: number; expectedIndex: number }>;
  mismatched: Array<{ eventId: string; field: string; store: string; timeline: string }>;
}

export interface WhyAnswer {
  caseId: string;
  eventId: string;
  correlationId: string;
  chain: Array<{ depth: number; entry?: HistoryEntry; external?: { causationId: string } }>;
  sameCorrelation: Array<{ position: number; eventId: string; type: string; source: string; recordedAt: string }>;
}

export interface AsOfAnswer {
  caseId: string;
  reading: 'recorded' | 'business-date';
  meaning: string;
  recordedAt?: string;
  businessDate?: string;
  eventsAfterBusinessDate?: number;
  at: string;
  asOfDate: string;
  eventsReplayed: number;
  bySource: Record<string, number>;
  case: { status: string; responsibleLocalAuthority?: string; requestReceivedOn?: string; drafts: number; finalPlan?: { issuedOn?: string } };
  adviceHeld: Array<{ adviceType: string; agency: string; answeredOn?: string; reused?: boolean }>;
  adviceOutstanding: Array<{ adviceType: string; agency: string; dueOn: string }>;
  responsible: { localAuthority?: string; next?: { what: string; responsible: string; dueOn: string; regulation: string }; overdue: Array<{ what: string; responsible: string; dueOn: string; daysLate?: number; regulation: string }> };
  statutory?: { weekOfProcess?: number };
  transfers: Array<{ transferId: string; kind: string; from?: string; to?: string; completed: boolean; responsibility: Array<{ organisation: string; from?: string; until?: string }>; findings: string[] }>;
}

const q = (params: Record<string, string | undefined>) => {
  const s = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1])).toString();
  return s ? `?${s}` : '';
};
const caseUrl = (caseId: string) => `/cases/${encodeURIComponent(caseId)}`;

export interface PeriodFilter {
  from?: string;
  to?: string;
  localAuthority?: string;
}

export class AuditPerformanceQuery extends Query<PerformanceReport> {
  constructor(readonly accessToken: string, readonly period: PeriodFilter) {
    super();
  }
}

@QueryHandler(AuditPerformanceQuery)
export class AuditPerformanceHandler implements IQueryHandler<AuditPerformanceQuery> {
  constructor(@Inject(AuditApi) private readonly api: AuditApi) {}
  execute({ accessToken, period }: AuditPerformanceQuery) {
    return this.api.get<PerformanceReport>(`/performance${q({ ...period })}`, accessToken);
  }
}

/** The whole store's integrity (caseId null) or one case's. */
export class AuditIntegrityQuery extends Query<IntegrityReport> {
  constructor(readonly accessToken: string, readonly caseId: string | null) {
    super();
  }
}

@QueryHandler(AuditIntegrityQuery)
export class AuditIntegrityHandler implements IQueryHandler<AuditIntegrityQuery> {
  constructor(@Inject(AuditApi) private readonly api: AuditApi) {}
  execute({ accessToken, caseId }: AuditIntegrityQuery) {
    return this.api.get<IntegrityReport>(caseId ? `${caseUrl(caseId)}/integrity` : '/integrity', accessToken);
  }
}

/** A case's audit page: its merged history, its integrity and the drift check (or why the drift check could not run). */
export class AuditCaseQuery extends Query<{ history: { stores: string[]; count: number; entries: HistoryEntry[] }; integrity: IntegrityReport; drift: DriftReport | { unavailable: string } }> {
  constructor(readonly accessToken: string, readonly caseId: string) {
    super();
  }
}

@QueryHandler(AuditCaseQuery)
export class AuditCaseHandler implements IQueryHandler<AuditCaseQuery> {
  constructor(@Inject(AuditApi) private readonly api: AuditApi) {}
  async execute({ accessToken, caseId }: AuditCaseQuery) {
    // the history first: a case no store holds is a 404 the page says as such
    const history = await this.api.get<{ stores: string[]; count: number; entries: HistoryEntry[] }>(`${caseUrl(caseId)}/history`, accessToken);
    const integrity = await this.api.get<IntegrityReport>(`${caseUrl(caseId)}/integrity`, accessToken);
    const drift = await this.api.get<DriftReport>(`${caseUrl(caseId)}/drift`, accessToken).catch((err: unknown) => {
      if (err instanceof AuditRefused && err.status === 503) return { unavailable: err.message };
      throw err;
    });
    return { history, integrity, drift };
  }
}

export class AuditWhyQuery extends Query<WhyAnswer> {
  constructor(readonly accessToken: string, readonly caseId: string, readonly eventId: string) {
    super();
  }
}

@QueryHandler(AuditWhyQuery)
export class AuditWhyHandler implements IQueryHandler<AuditWhyQuery> {
  constructor(@Inject(AuditApi) private readonly api: AuditApi) {}
  execute({ accessToken, caseId, eventId }: AuditWhyQuery) {
    return this.api.get<WhyAnswer>(`${caseUrl(caseId)}/history/${encodeURIComponent(eventId)}/why`, accessToken);
  }
}

/** The case as at a business date, or as recorded by an instant (the audit service's two readings). */
export class AuditAsOfQuery extends Query<AsOfAnswer> {
  constructor(readonly accessToken: string, readonly caseId: string, readonly when: { businessDate: string } | { recordedAt: string }) {
    super();
  }
}

@QueryHandler(AuditAsOfQuery)
export class AuditAsOfHandler implements IQueryHandler<AuditAsOfQuery> {
  constructor(@Inject(AuditApi) private readonly api: AuditApi) {}
  execute({ accessToken, caseId, when }: AuditAsOfQuery) {
    return this.api.get<AsOfAnswer>(`${caseUrl(caseId)}/as-of${q(when)}`, accessToken);
  }
}

/** The exports the auditor's pages link to, each one of the audit service's export endpoints. */
export const EXPORTS = {
  'performance.csv': { path: () => '/performance', query: { format: 'csv' }, accept: 'text/csv' },
  'performance.json': { path: () => '/performance', query: {}, accept: 'application/json' },
  'history.csv': { path: (caseId: string) => `${caseUrl(caseId)}/history`, query: { format: 'csv' }, accept: 'text/csv' },
  'history.json': { path: (caseId: string) => `${caseUrl(caseId)}/history`, query: {}, accept: 'application/json' },
  'report.html': { path: (caseId: string) => `${caseUrl(caseId)}/report.html`, query: {}, accept: 'text/html' },
} as const;
export type ExportName = keyof typeof EXPORTS;

export class AuditExportQuery extends Query<AuditDownload> {
  constructor(readonly accessToken: string, readonly name: ExportName, readonly caseId: string, readonly params: PeriodFilter = {}) {
    super();
  }
}

@QueryHandler(AuditExportQuery)
export class AuditExportHandler implements IQueryHandler<AuditExportQuery> {
  constructor(@Inject(AuditApi) private readonly api: AuditApi) {}
  execute({ accessToken, name, caseId, params }: AuditExportQuery) {
    const e = EXPORTS[name];
    return this.api.download(`${e.path(caseId)}${q({ ...params, ...e.query })}`, accessToken, e.accept);
  }
}

export const AUDIT_QUERY_HANDLERS = [AuditPerformanceHandler, AuditIntegrityHandler, AuditCaseHandler, AuditWhyHandler, AuditAsOfHandler, AuditExportHandler];
