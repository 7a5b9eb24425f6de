import { ReadAccessLogHandler } from './access-log';
import { CaseStatusHandler, CaseTimelineHandler, FamilyCasesHandler, FamilyTimelineHandler, ListCasesHandler } from './case-reads';
import { CaseChangesHandler, OpenCaseStreamHandler, RecordStreamRevokedHandler, StreamAccessGroundHandler, TimelineGenerationHandler } from './live-stream';

/** Every read of the timeline's controllers (and the stream's one access-log write), as bus handlers. */
export const TIMELINE_BUS_HANDLERS = [
  ListCasesHandler,
  CaseTimelineHandler,
  CaseStatusHandler,
  FamilyTimelineHandler,
  FamilyCasesHandler,
  OpenCaseStreamHandler,
  StreamAccessGroundHandler,
  TimelineGenerationHandler,
  CaseChangesHandler,
  RecordStreamRevokedHandler,
  ReadAccessLogHandler,
];
