import { Command, CommandHandler, Query, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '@tio/auth';
import type { CommandContext } from '@tio/event-sourcing';
import type { ErasureGround } from '@tio/ehc-domain';
import { PersonalDataErasure, type ErasureResult, type RetentionReport } from './personal-data-erasure.service';

/** Erase a case's personal data (the case's write rule decides who may; see PersonalDataErasure). */
export class ErasePersonalDataCommand extends Command<ErasureResult> {
  constructor(
    readonly caseId: string,
    readonly ground: ErasureGround,
    readonly caller: Principal,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Erase every case whose retention period has ended on `asOf`, within one LA or (undefined) all of them. */
export class RunRetentionCommand extends Command<{ asOf: string; erased: ErasureResult[] }> {
  constructor(
    readonly asOf: string,
    readonly localAuthority: string | undefined,
    readonly caller: Principal,
    readonly context: Omit<CommandContext, 'caseId'>,
  ) {
    super();
  }
}

/** The cases whose retention period has ended on `asOf`, within one LA or (undefined) all of them. */
export class RetentionDueQuery extends Query<RetentionReport> {
  constructor(
    readonly asOf: string,
    readonly localAuthority: string | undefined,
  ) {
    super();
  }
}

@CommandHandler(ErasePersonalDataCommand)
export class ErasePersonalDataHandler implements ICommandHandler<ErasePersonalDataCommand, ErasureResult> {
  constructor(private readonly erasure: PersonalDataErasure) {}
  execute({ caseId, ground, caller, context }: ErasePersonalDataCommand): Promise<ErasureResult> {
    return this.erasure.erase(caseId, ground, caller, context);
  }
}

@CommandHandler(RunRetentionCommand)
export class RunRetentionHandler implements ICommandHandler<RunRetentionCommand> {
  constructor(private readonly erasure: PersonalDataErasure) {}
  execute({ asOf, localAuthority, caller, context }: RunRetentionCommand) {
    return this.erasure.runRetention(asOf, localAuthority, caller, context);
  }
}

@QueryHandler(RetentionDueQuery)
export class RetentionDueHandler implements IQueryHandler<RetentionDueQuery, RetentionReport> {
  constructor(private readonly erasure: PersonalDataErasure) {}
  execute({ asOf, localAuthority }: RetentionDueQuery): Promise<RetentionReport> {
    return this.erasure.due(asOf, localAuthority);
  }
}

export const PERSONAL_DATA_HANDLERS = [ErasePersonalDataHandler, RunRetentionHandler, RetentionDueHandler];
