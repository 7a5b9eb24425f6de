import { ReadAccessLogHandler } from './access-log';
import { CaseHistoryHandler, WhyHandler } from './case-history';
import { CaseAsOfHandler, CaseReportHandler, CaseTransfersHandler } from './case-replay';
import { CaseDriftHandler, VerifyIntegrityHandler } from './checks';
import { PerformanceReportHandler } from './performance';

/** Every read of the audit's controllers, as query handlers: each records the access before it reads. */
export const AUDIT_QUERY_HANDLERS = [
  CaseHistoryHandler,
  WhyHandler,
  CaseAsOfHandler,
  CaseTransfersHandler,
  CaseReportHandler,
  VerifyIntegrityHandler,
  CaseDriftHandler,
  ReadAccessLogHandler,
  PerformanceReportHandler,
];
