import { Command, type ICommandHandler } from '@nestjs/cqrs';
import type { EventStore } from '@tio/event-store';
import type { Decider, DomainEvent } from '../decider';
import { runCommand, type CommandContext, type CommandResult } from './run-command';

/** Who sends a command: a person or a system, from its token (or the service itself, for its own reactions). */
export interface Caller {
  userId: string;
  organisationId: string;
  agency: string;
  roles: readonly string[];
}

/**
 * The role of a service's own reactions (Kafka intake, follow-up steps): they carry out a fact another service
 * already recorded under its own access rule. Tokens never carry it (`@tio/auth` ROLES), so HTTP callers cannot.
 */
export const REACTION_ROLE = 'reaction';

/** The caller of a reaction's command: the actor of the fact it reacts to, acting through the service itself. */
export function reactionCaller(actor: { userId: string; organisationId: string; agency: string }): Caller {
  return { userId: actor.userId, organisationId: actor.organisationId, agency: actor.agency, roles: [REACTION_ROLE] };
}

export const isReaction = (caller: Caller): boolean => caller.roles.includes(REACTION_ROLE);

/**
 * Everything a service binds once for an aggregate: which stream a command goes to, the decider that decides it,
 * and the access rule for writes. The command pipeline does the rest (load, authorise, idempotency, append).
 */
export interface Aggregate<State, Cmd, Event extends DomainEvent> {
  readonly decider: Decider<State, Cmd, Event>;
  streamOf(command: Cmd): string;
  /** The write rule: throws (a 403 or a DomainError) when this caller may not run this command on this state. */
  authorise(command: Cmd, state: State, caller: Caller): void;
  /** When the fact happened, if the context does not say (e.g. noon of the step's date). Default: now. */
  occurredAt?(command: Cmd): string | undefined;
  /** What makes a keyed retry the same request (runCommand's `isRetryOf`); default: it decides the same events. */
  isRetryOf?(command: Cmd, earlier: ReadonlyArray<{ data: unknown }>): boolean;
}

/**
 * A command on the bus: the decider's own command (the union the domain defines) with who sends it and why. Each
 * aggregate subclasses it once, so @nestjs/cqrs routes it to that aggregate's one handler.
 */
export abstract class AggregateCommand<Cmd, State, Event extends DomainEvent> extends Command<CommandResult<State, Event>> {
  constructor(
    readonly command: Cmd,
    readonly caller: Caller,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** The one handler of an aggregate: runs every command through the pipeline with the aggregate's bindings. */
export abstract class AggregateCommandHandler<State, Cmd, Event extends DomainEvent>
implements ICommandHandler<AggregateCommand<Cmd, State, Event>, CommandResult<State, Event>> {
  protected constructor(
    protected readonly store: EventStore,
    protected readonly aggregate: Aggregate<State, Cmd, Event>,
  ) {}

  execute({ command, caller, context }: AggregateCommand<Cmd, State, Event>): Promise<CommandResult<State, Event>> {
    const occurredAt = context.occurredAt ?? this.aggregate.occurredAt?.(command);
    return runCommand(this.store, this.aggregate.streamOf(command), this.aggregate.decider, command, { ...context, ...(occurredAt ? { occurredAt } : {}) }, {
      authorise: (state) => this.aggregate.authorise(command, state, caller),
      ...(this.aggregate.isRetryOf ? { isRetryOf: (earlier) => this.aggregate.isRetryOf?.(command, earlier) ?? false } : {}),
    });
  }
}

/** The caller as event metadata records it. */
export function actorOf(caller: Caller): CommandContext['actor'] {
  return { userId: caller.userId, organisationId: caller.organisationId, agency: caller.agency as CommandContext['actor']['agency'], role: caller.roles.join(',') };
}
