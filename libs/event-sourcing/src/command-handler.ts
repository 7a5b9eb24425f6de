import { createHash, randomUUID } from 'node:crypto';
import { EventIdConflictError, WrongExpectedRevisionError, type Actor, type EventStore, type NewEvent, type RecordedEvent } from '@tio/event-store';
import type { Decider, DomainEvent } from './decider';

/** Who asks and why: becomes every new event's metadata. */
export interface CommandContext {
  caseId: string;
  actor: Actor;
  correlationId: string;
  causationId?: string;
  /** When the fact happened in the world; defaults to now. */
  occurredAt?: string;
  /**
   * Makes a retried command idempotent: event ids are derived from it, so the event store recognises a retry of an
   * append it already committed and writes nothing twice.
   */
  idempotencyKey?: string;
}

export interface CommandResult<State, Event extends DomainEvent> {
  state: State;
  newEvents: Event[];
  /** Revision of the stream after the command (-1 if still empty). */
  revision: number;
  /** The events as recorded (with ids and positions). */
  recorded: RecordedEvent[];
  /** True when this was a retry of a command already handled (same idempotency key): nothing new was written. */
  replayed: boolean;
}

/** Replays a stream into state with the decider's evolve. */
export async function loadState<State, Event extends DomainEvent>(
  store: EventStore,
  streamName: string,
  decider: Pick<Decider<State, unknown, Event>, 'evolve' | 'initialState'>,
): Promise<{ state: State; revision: number; events: RecordedEvent[] }> {
  const events = await store.readStream(streamName);
  const state = events.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data } as Event), decider.initialState());
  return { state, revision: events.length ? events[events.length - 1].revision : -1, events };
}

/** A UUID-shaped id derived from a key, so the same retry produces the same event ids. */
export function deterministicEventId(key: string, index: number): string {
  const h = createHash('sha256').update(`${key}#${index}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Runs a command against a stream: load, decide, append at the expected revision. When another writer got there
 * first the command is decided again on the new state (optimistic concurrency), up to `maxAttempts` times.
 */
export async function handleCommand<State, Command, Event extends DomainEvent>(
  store: EventStore,
  streamName: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  context: CommandContext,
  maxAttempts = 5,
): Promise<CommandResult<State, Event>> {
  for (let attempt = 1; ; attempt++) {
    const { state, revision, events } = await loadState(store, streamName, decider);
    if (context.idempotencyKey) {
      const byId = new Map(events.map((e) => [e.metadata.eventId, e]));
      const earlier: RecordedEvent[] = [];
      for (let i = 0; byId.has(deterministicEventId(`${streamName}:${context.idempotencyKey}`, i)); i++) {
        earlier.push(byId.get(deterministicEventId(`${streamName}:${context.idempotencyKey}`, i)) as RecordedEvent);
      }
      if (earlier.length) return { state, newEvents: [], revision, recorded: earlier, replayed: true };
    }
    const newEvents = decider.decide(command, state);
    if (newEvents.length === 0) return { state, newEvents, revision, recorded: [], replayed: false };
    const occurredAt = context.occurredAt ?? new Date().toISOString();
    const toAppend: NewEvent[] = newEvents.map((event, i) => ({
      type: event.type,
      data: event.data,
      metadata: {
        eventId: context.idempotencyKey ? deterministicEventId(`${streamName}:${context.idempotencyKey}`, i) : randomUUID(),
        caseId: context.caseId,
        occurredAt,
        actor: context.actor,
        correlationId: context.correlationId,
        ...(context.causationId ? { causationId: context.causationId } : {}),
      },
    }));
    try {
      const result = await store.appendToStream(streamName, toAppend, { expectedRevision: revision === -1 ? 'no_stream' : revision });
      const recorded = await store.readStream(streamName, { fromRevision: result.nextExpectedRevision - newEvents.length + 1 });
      return { state: newEvents.reduce(decider.evolve, state), newEvents, revision: result.nextExpectedRevision, recorded, replayed: false };
    } catch (err) {
      if (err instanceof WrongExpectedRevisionError && attempt < maxAttempts) continue;
      // a concurrent retry of the same keyed command won: the next attempt finds its events and replays them
      if (err instanceof EventIdConflictError && context.idempotencyKey && attempt < maxAttempts) continue;
      throw err;
    }
  }
}
