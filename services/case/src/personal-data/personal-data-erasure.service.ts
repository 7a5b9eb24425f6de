import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Principal } from '@tio/auth';
import { EVENT_STORE, forgetStreamState, KEY_STORE, loadState, newIdFor, type CommandContext } from '@tio/event-sourcing';
import type { EventStore } from '@tio/event-store';
import { CaseNotFoundError, ehcCaseDecider, londonDateOf, type EhcCommand, type ErasureGround } from '@tio/ehc-domain';
import { ERASED, isRetentionOver, retentionEndsOn, retentionYearsFrom, type KeyStore } from '@tio/personal-data';
import { authoriseCaseCommand, CaseCommand, caseStream } from '../case-aggregate';

export interface ErasureResult {
  caseId: string;
  erasedAt: string;
  erasedBy: string;
  ground: ErasureGround;
  /** True when the key had already been destroyed (a retry, or an earlier erasure): nothing new happened. */
  alreadyErased: boolean;
  /** The case stream's revision after `ehc.personal-data-erased.v1`. */
  revision: number;
}

export interface RetentionItem {
  caseId: string;
  localAuthority: string;
  retentionEndsOn: string;
}

export interface RetentionReport {
  asOf: string;
  retentionYearsAfterBirth: number;
  due: RetentionItem[];
  /** Cases with personal data but no date of birth recorded: retention cannot be computed; review them by hand. */
  withoutDateOfBirth: string[];
}

/**
 * Erasure by crypto-shredding: the case's data key is destroyed in the key store (a tombstone keeps who, when and
 * why), then `ehc.personal-data-erased.v1` (no personal data) is appended to the case. Every personal field of the
 * case, in every service's event store and on every topic (they all hold envelopes under that one key), reads as
 * "[erased]" from then on; the events, their order and their hash chains are untouched. Both steps are idempotent,
 * so a retry after a failure between them completes the erasure.
 */
@Injectable()
export class PersonalDataErasure {
  private readonly logger = new Logger('personal-data');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
    private readonly commands: CommandBus,
  ) {}

  private load(caseId: string) {
    return loadState(this.store, caseStream(caseId), ehcCaseDecider);
  }

  /** Who may erase: a case officer of the LA responsible for the case, or the retention job (role `service`). */
  async erase(caseId: string, ground: ErasureGround, principal: Principal, context: CommandContext): Promise<ErasureResult> {
    const { state } = await this.load(caseId);
    if (state.status === 'none') throw new CaseNotFoundError(caseId);
    // a retry with the same key names the same erasure, so the pipeline recognises it
    const erasureId = newIdFor('erasureId', context.idempotencyKey, `${principal.organisationId}:${caseId}`);
    const erase = (at: string): EhcCommand => ({ type: 'RecordPersonalDataErasure', caseId, at, erasureId, ground });
    // the case's write rule, checked before the key is destroyed (the command pipeline checks it again on append)
    authoriseCaseCommand(erase(londonDateOf(new Date())), state, principal);
    const tombstone = await this.keys.destroy(caseId, { userId: principal.userId, ground });
    // the case as this process had it folded holds its personal data in clear: read whole (as "[erased]") from now on
    forgetStreamState(this.store, caseStream(caseId));
    const result = await this.commands.execute(new CaseCommand(erase(londonDateOf(new Date(tombstone.erasedAt))), principal, { ...context, occurredAt: tombstone.erasedAt }));
    forgetStreamState(this.store, caseStream(caseId));
    // ids, dates and the ground only: never anything personal
    this.logger.log({ msg: 'personal data erased', caseId, ground, by: principal.userId, alreadyErased: tombstone.alreadyErased });
    return { caseId, erasedAt: tombstone.erasedAt, erasedBy: tombstone.erasedBy, ground: tombstone.ground, alreadyErased: tombstone.alreadyErased, revision: result.revision };
  }

  /**
   * Cases whose retention period (date of birth + RETENTION_YEARS_AFTER_BIRTH years) has ended on `asOf`: every case
   * of this service that still has a data key, limited to one LA unless `localAuthority` is undefined.
   */
  async due(asOf: string, localAuthority: string | undefined): Promise<RetentionReport> {
    const years = retentionYearsFrom();
    const report: RetentionReport = { asOf, retentionYearsAfterBirth: years, due: [], withoutDateOfBirth: [] };
    for (const subjectId of await this.keys.activeSubjects()) {
      const { state } = await this.load(subjectId).catch(() => ({ state: undefined }));
      // a key of another kind of subject (an agency's pupil record), or a case this service does not hold
      if (!state || state.status === 'none' || !state.localAuthority) continue;
      if (localAuthority !== undefined && state.localAuthority !== localAuthority) continue;
      const dob = state.child?.dateOfBirth;
      if (!dob || dob === ERASED) {
        report.withoutDateOfBirth.push(subjectId);
        continue;
      }
      if (isRetentionOver(dob, years, asOf)) report.due.push({ caseId: subjectId, localAuthority: state.localAuthority, retentionEndsOn: retentionEndsOn(dob, years) });
    }
    report.due.sort((a, b) => a.retentionEndsOn.localeCompare(b.retentionEndsOn) || a.caseId.localeCompare(b.caseId));
    return report;
  }

  /** Erases every case `due` lists (ground `retention-period-ended`). */
  async runRetention(asOf: string, localAuthority: string | undefined, principal: Principal, context: Omit<CommandContext, 'caseId'>): Promise<{ asOf: string; erased: ErasureResult[] }> {
    const { due } = await this.due(asOf, localAuthority);
    const erased: ErasureResult[] = [];
    for (const item of due) {
      // one request erases many cases: each case's erasure gets its own key, derived from the request's
      const idempotencyKey = context.idempotencyKey ? `${context.idempotencyKey}:${item.caseId}` : undefined;
      erased.push(await this.erase(item.caseId, 'retention-period-ended', principal, { ...context, caseId: item.caseId, ...(idempotencyKey ? { idempotencyKey } : {}) }));
    }
    return { asOf, erased };
  }
}
