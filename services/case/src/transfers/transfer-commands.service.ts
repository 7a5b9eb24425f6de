import { ForbiddenException, Inject } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, loadState, ReactionsRunner, runCommand, type Caller, type CommandContext } from '@tio/event-sourcing';
import type { EventStore, RecordedEvent } from '@tio/event-store';
import { ehcCaseDecider, type EhcCaseState, type EhcCommand } from '@tio/ehc-domain';
import {
  describeTransfer, foldTransfer, transferDecider, transferRegisterDecider, transferRegisterStream, transferStream, TransferNotRequestedError,
  type TransferCommand, type TransferEvent, type TransferKind, type TransferState,
} from '@tio/transfer-domain';
import { caseStream } from '../case-aggregate';
import { caseFollowUp, type CaseFollowUpDecision } from './case-follow-up';
import { loadCase, transfersOf } from './transfer-reads';
import { TransferRegisterStep } from './transfer-register';

export const TRANSFER_FORWARDER = Symbol('TRANSFER_FORWARDER');
type Principal = Caller;

/** Which side a step belongs to, and what the rule says when someone else tries it (the 403 names the rule). */
const STEP_SIDE: Record<Exclude<TransferCommand['type'], 'RequestTransfer'>, { side: 'from' | 'to'; what: string }> = {
  AcceptTransfer: { side: 'to', what: 'accepting a transfer' },
  DeclineTransfer: { side: 'to', what: 'declining a transfer' },
  AcknowledgeTransfer: { side: 'to', what: 'acknowledging a completed transfer' },
  DecideReassessment: { side: 'to', what: 'deciding whether to reassess after a transfer' },
  CompleteTransfer: { side: 'from', what: 'completing a transfer' },
  CancelTransfer: { side: 'from', what: 'cancelling a transfer' },
};
const WRITE_ROLES = ['case-officer', 'practitioner'] as const;
/** How long a transfer step's answer waits for the case to follow (the reaction runs whatever happens). */
const FOLLOW_UP_WAIT_MS = 10_000;

export interface CaseFollowUp {
  /** Did the case's own stream (its responsible LA and statutory clock) follow this step? */
  followed: boolean;
  command?: EhcCommand['type'];
  recorded?: { eventId: string; type: string }[];
  reason?: string;
}

/** A transfer step on the command bus (the transfer decider's command union), with who sends it and why. */
export class TransferStepCommand extends Command<TransferStepResult> {
  constructor(
    readonly command: TransferCommand,
    readonly caller: Caller,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * Runs transfer steps against their own stream `transfer-<transferId>` and checks that each step is recorded by the
 * organisation it belongs to. For a `local-authority` transfer the case follows (`caseFollowUp`: reg 15's
 * NotifyTransfer, TransferPlan, DecideReassessmentAfterTransfer with a plan in force; TransferAssessment on completion
 * with an assessment in progress): the step checks the case's half in memory first, so a refusal by either writes
 * nothing, and the durable reaction `TransferFollowUp` records it; the answer waits for it.
 */
@CommandHandler(TransferStepCommand)
export class TransferCommands implements ICommandHandler<TransferStepCommand, TransferStepResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly reactions: ReactionsRunner,
    private readonly commands: CommandBus,
  ) {}

  execute({ command, caller, context }: TransferStepCommand): Promise<TransferStepResult> {
    return command.type === 'RequestTransfer' ? this.request(command, caller, context) : this.step(command, caller, context);
  }

  loadCase(caseId: string): Promise<EhcCaseState> {
    return loadCase(this.store, caseId);
  }

  async loadTransfer(transferId: string): Promise<{ state: TransferState; events: RecordedEvent[] }> {
    const { state, events } = await loadState(this.store, transferStream(transferId), transferDecider);
    return { state, events };
  }

  transfersOf(caseId: string): Promise<Map<string, RecordedEvent[]>> {
    return transfersOf(this.store, caseId);
  }

  async request(command: Extract<TransferCommand, { type: 'RequestTransfer' }>, principal: Principal, context: CommandContext) {
    this.mayWrite(principal);
    const kase = await this.loadCase(command.caseId);
    await this.authoriseRequest(command.kind, command.caseId, kase, principal);
    const moves = {
      ...(command.kind === 'local-authority' && kase.finalPlan ? { planId: kase.finalPlan.planId } : {}),
      ...(command.kind === 'local-authority' ? { adviceIds: Object.values(kase.adviceRequests).flatMap((r) => (r.current ? [r.current.adviceId] : [])) } : {}),
      ...Object.fromEntries(Object.entries(command.moves ?? {}).filter(([, v]) => v !== undefined)),
    };
    // reg 15(5): the review after the move runs from the last review held, or the plan when none was, as the case records them
    const anchors = command.kind === 'local-authority' && kase.finalPlan ? reviewAnchors(kase, command) : {};
    const full: Extract<TransferCommand, { type: 'RequestTransfer' }> = { ...command, moves, ...anchors };
    // the register's rule first (one open transfer of a kind), as the API has always answered it; it is decided
    // again on the append, where a concurrent request loses
    const { state: register } = await loadState(this.store, transferRegisterStream(command.caseId), transferRegisterDecider);
    transferRegisterDecider.decide({ type: 'OpenTransfer', caseId: command.caseId, request: full }, register);
    return this.run(full, principal, context);
  }

  async step(command: Exclude<TransferCommand, { type: 'RequestTransfer' }>, principal: Principal, context: CommandContext) {
    this.mayWrite(principal);
    await this.loadCase(command.caseId);
    const { state } = await this.loadTransfer(command.transferId);
    if (state.status === 'none' || state.caseId !== command.caseId) throw new TransferNotRequestedError(`No transfer ${command.transferId} on case ${command.caseId}`);
    const rule = STEP_SIDE[command.type];
    const owner = rule.side === 'from' ? state.fromOrganisation : state.toOrganisation;
    if (principal.organisationId !== owner) {
      throw new ForbiddenException(`${rule.what} belongs to the ${rule.side === 'from' ? 'sending' : 'receiving'} organisation ${owner}; the token is for ${principal.organisationId}`);
    }
    return this.run(command, principal, context);
  }

  private async run(command: TransferCommand, principal: Principal, context: CommandContext): Promise<TransferStepResult> {
    const ctx = { ...context, actor: { ...context.actor, organisationId: principal.organisationId }, occurredAt: context.occurredAt ?? `${command.at}T12:00:00.000Z` };
    // decide the step and the case's half in memory first, so that a refusal by either writes nothing
    const { state: before } = await this.loadTransfer(command.transferId);
    const pending = transferDecider.decide(command, before);
    const kase = (await loadState(this.store, caseStream(command.caseId), ehcCaseDecider)).state;
    const expected = pending[0] ? caseFollowUp(pending[0], pending.reduce(transferDecider.evolve, before), kase) : {};
    if (expected.command) ehcCaseDecider.decide(expected.command, kase);

    const { stepEvent, events, revision, recorded, replayed } = command.type === 'RequestTransfer'
      ? await this.openInRegister(command, principal, ctx)
      : await this.recordStep(command, ctx);
    // the steps' reactions (the case following, the register closing) have run before the answer
    if (stepEvent) await this.reactions.reachedPosition(stepEvent.globalPosition, FOLLOW_UP_WAIT_MS);
    return {
      caseId: command.caseId,
      transferId: command.transferId,
      revision,
      recorded,
      replayed,
      case: await this.followed(command.caseId, expected, stepEvent?.metadata.eventId),
      transfer: present(events, command.at),
    };
  }

  private async recordStep(command: TransferCommand, ctx: CommandContext) {
    const result = await runCommand(this.store, transferStream(command.transferId), transferDecider, command, ctx);
    const { events } = await this.loadTransfer(command.transferId);
    const stepEvent = events.find((e) => e.metadata.eventId === result.recorded[0]?.eventId);
    return { stepEvent, events, revision: result.revision, recorded: result.recorded.map((e) => ({ eventId: e.eventId, type: e.type })), replayed: result.replayed };
  }

  /**
   * A request is recorded in the case's transfer register first (its decider owns "one open transfer of a kind", so
   * a concurrent second request is refused there); the transfer's own stream records it by a durable reaction
   * (TransferRegisterReactions), which the answer waits for.
   */
  private async openInRegister(command: Extract<TransferCommand, { type: 'RequestTransfer' }>, principal: Principal, ctx: CommandContext) {
    const opened = await this.commands.execute(new TransferRegisterStep({ type: 'OpenTransfer', caseId: command.caseId, request: command }, principal, ctx));
    if (opened.position !== undefined) await this.reactions.reachedPosition(opened.position, FOLLOW_UP_WAIT_MS);
    const openedId = opened.recorded[0]?.eventId;
    const events = (await this.loadTransfer(command.transferId)).events;
    const stepEvent = events.find((e) => openedId !== undefined && e.metadata.causationId === openedId) ?? events[0];
    return {
      stepEvent,
      events,
      revision: events.length - 1,
      recorded: stepEvent ? [{ eventId: stepEvent.metadata.eventId, type: stepEvent.type }] : [],
      replayed: opened.replayed,
    };
  }

  /**
   * The case's half is a durable reaction (TransferFollowUp) to the step just recorded: the answer waits for it, then
   * names what the case recorded (its events are caused by the step's event).
   */
  private async followed(caseId: string, expected: CaseFollowUpDecision, stepEventId: string | undefined): Promise<CaseFollowUp> {
    if (!expected.command || !stepEventId) return expected.reason ? { followed: false, reason: expected.reason } : { followed: false };
    const recorded = (await this.store.readStream(caseStream(caseId)))
      .filter((e) => e.metadata.causationId === stepEventId)
      .map((e) => ({ eventId: e.metadata.eventId, type: e.type }));
    return {
      followed: true,
      command: expected.command.type,
      recorded,
      ...(recorded.length ? {} : { reason: 'the case records this step shortly (a durable reaction); it had not yet when this answer was sent' }),
    };
  }

  private mayWrite(principal: Principal): void {
    if (!WRITE_ROLES.some((r) => principal.roles.includes(r))) {
      throw new ForbiddenException(`transfer steps are recorded by case officers or practitioners of the organisation each step belongs to; the token has ${principal.roles.join(', ')}`);
    }
  }

  /**
   * A transfer is requested by the organisation responsible now: for a move between LAs, the LA the case belongs to;
   * for the other kinds, the receiving side of the last completed transfer of that kind (or, for the first one, the
   * organisation asking). Only one open transfer of a kind at a time (otherwise two handovers could overlap) is the
   * transfer register's rule.
   */
  private async authoriseRequest(kind: TransferKind, caseId: string, kase: EhcCaseState, principal: Principal): Promise<void> {
    const same = [...(await this.transfersOf(caseId)).values()].map((es) => ({ es: es.map(asTransferEvent), s: foldTransfer(es.map(asTransferEvent)) })).filter((t) => t.s.kind === kind);
    const completed = same.filter((t) => t.s.status === 'completed').sort((a, b) => (a.s.completedOn as string).localeCompare(b.s.completedOn as string));
    const responsible = kind === 'local-authority'
      ? currentLocalAuthority(kase, completed.map((t) => t.s))
      : completed.at(-1)?.s.toOrganisation ?? principal.organisationId;
    if (principal.organisationId !== responsible) {
      throw new ForbiddenException(`a ${kind} transfer is requested by the organisation responsible now (${responsible}); the token is for ${principal.organisationId}`);
    }
  }
}

/** The plan date and the last review held (on or before the request), unless the request gives them. */
function reviewAnchors(kase: EhcCaseState, command: Extract<TransferCommand, { type: 'RequestTransfer' }>): { lastReviewOn?: string; planMadeOn?: string } {
  const held = Object.values(kase.reviews).flatMap((r) => (r.heldOn && r.heldOn <= command.at ? [r.heldOn] : [])).sort();
  const lastReviewOn = command.lastReviewOn ?? held.at(-1);
  const planMadeOn = command.planMadeOn ?? kase.finalPlan?.issuedOn;
  return { ...(lastReviewOn ? { lastReviewOn } : {}), ...(planMadeOn ? { planMadeOn } : {}) };
}

/** The LA responsible now: the case's own (it follows reg 15 plan transfers), or the receiver of a later completed transfer. */
function currentLocalAuthority(kase: EhcCaseState, completed: TransferState[]): string {
  const last = completed.at(-1);
  const followed = last && (kase.transfers[last.transferId as string] || kase.assessmentTransfers?.some((a) => a.transferId === last.transferId));
  if (last && !followed) return last.toOrganisation as string;
  return kase.localAuthority as string;
}

export interface TransferStepResult {
  caseId: string;
  transferId: string;
  revision: number;
  recorded: { eventId: string; type: string }[];
  replayed: boolean;
  case: CaseFollowUp;
  transfer: ReturnType<typeof present>;
}

export const asTransferEvent = (e: RecordedEvent): TransferEvent => ({ type: e.type, data: e.data } as TransferEvent);

/** A transfer for the API: steps (who recorded each, when), what moves, deadlines and responsibility as at `asOf`. */
export function present(events: RecordedEvent[], asOf: string) {
  const domain = events.map(asTransferEvent);
  const d = describeTransfer(domain, asOf);
  const s = d.state;
  return {
    transferId: s.transferId, kind: s.kind, status: s.status, fromOrganisation: s.fromOrganisation, toOrganisation: s.toOrganisation,
    requestedOn: s.requestedOn, proposedOn: s.proposedOn, ...(s.moveOn ? { moveOn: s.moveOn } : {}), ...(s.completedOn ? { completedOn: s.completedOn } : {}),
    ...(s.acknowledgedOn ? { acknowledgedOn: s.acknowledgedOn } : {}), ...(s.declined ? { declined: s.declined } : {}), ...(s.cancelled ? { cancelled: s.cancelled } : {}),
    ...(s.reassessment ? { reassessment: s.reassessment } : {}),
    moves: s.moves, ...(s.moved ? { moved: s.moved } : {}),
    steps: events.map((e) => ({
      step: e.type.split('.')[1], type: e.type, eventId: e.metadata.eventId, recordedBy: e.metadata.actor.organisationId, role: e.metadata.actor.role,
      occurredAt: e.metadata.occurredAt, recordedAt: e.metadata.recordedAt,
    })),
    deadlines: d.deadlines,
    responsibleOn: d.responsibleOn,
    responsibility: d.responsibility,
  };
}
