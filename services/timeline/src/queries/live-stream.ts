import { Inject } from '@nestjs/common';
import { Command, CommandHandler, Query, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '@tio/auth';
import { CaseAccess } from '../access/access.service';
import { CaseChangesBatcher } from '../live/changes-batcher';
import { TimelineQueries, type CaseChanges } from '../read-model/timeline.queries';

/** Opens a live stream on a case: the involvement check, logged as `stream` (allowed or denied, 403 when denied). */
export class OpenCaseStreamQuery extends Query<void> {
  constructor(
    readonly principal: Principal,
    readonly caseId: string,
  ) {
    super();
  }
}

@QueryHandler(OpenCaseStreamQuery)
export class OpenCaseStreamHandler implements IQueryHandler<OpenCaseStreamQuery> {
  constructor(@Inject(CaseAccess) private readonly access: CaseAccess) {}
  execute({ principal, caseId }: OpenCaseStreamQuery): Promise<void> {
    return this.access.authorise(principal, caseId, 'stream');
  }
}

/** Why the reader may still see the case (undefined once its access has ended). Not logged: asked while a stream is open. */
export class StreamAccessGroundQuery extends Query<Record<string, unknown> | undefined> {
  constructor(
    readonly principal: Principal,
    readonly caseId: string,
  ) {
    super();
  }
}

@QueryHandler(StreamAccessGroundQuery)
export class StreamAccessGroundHandler implements IQueryHandler<StreamAccessGroundQuery> {
  constructor(@Inject(CaseAccess) private readonly access: CaseAccess) {}
  execute({ principal, caseId }: StreamAccessGroundQuery): Promise<Record<string, unknown> | undefined> {
    return this.access.groundFor(principal, caseId);
  }
}

/** The read model's generation (changes on every rebuild): the first half of a stream's resume token. */
export class TimelineGenerationQuery extends Query<number> {}

@QueryHandler(TimelineGenerationQuery)
export class TimelineGenerationHandler implements IQueryHandler<TimelineGenerationQuery> {
  constructor(@Inject(TimelineQueries) private readonly queries: TimelineQueries) {}
  execute(): Promise<number> {
    return this.queries.generation();
  }
}

/**
 * What the open streams of a case need after a change, in one read shared by all of them: the generation, which of
 * the streams' organisations are members of the case, and the entries stored after the `after`-th arrival. The reads
 * of all cases asked in the same turn (the cases of one consumer batch) are made by one statement.
 */
export class CaseChangesQuery extends Query<CaseChanges> {
  constructor(
    readonly caseId: string,
    readonly after: number,
    readonly organisations: string[],
  ) {
    super();
  }
}

@QueryHandler(CaseChangesQuery)
export class CaseChangesHandler implements IQueryHandler<CaseChangesQuery> {
  constructor(@Inject(CaseChangesBatcher) private readonly batcher: CaseChangesBatcher) {}
  execute({ caseId, after, organisations }: CaseChangesQuery): Promise<CaseChanges> {
    return this.batcher.read({ caseId, after, organisations });
  }
}

/** Records in the access log that an open stream was ended because the reader's access to the case ended. */
export class RecordStreamRevokedCommand extends Command<void> {
  constructor(
    readonly principal: Principal,
    readonly caseId: string,
  ) {
    super();
  }
}

@CommandHandler(RecordStreamRevokedCommand)
export class RecordStreamRevokedHandler implements ICommandHandler<RecordStreamRevokedCommand> {
  constructor(@Inject(CaseAccess) private readonly access: CaseAccess) {}
  execute({ principal, caseId }: RecordStreamRevokedCommand): Promise<void> {
    return this.access.log(principal, caseId, 'stream', 'denied', { reason: 'access ended while the stream was open' });
  }
}
