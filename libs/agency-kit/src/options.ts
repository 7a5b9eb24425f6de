import type { Type } from '@nestjs/common';
import type { Principal, Role } from '@tio/auth';
import type { AdviceType } from '@tio/ehc-domain';

/** The agencies that run an agency service (and give advice through the kit). */
export type AdviceAgency = 'education' | 'health' | 'social-care';

export interface AgencyAdviceOptions {
  /** The agency whose practitioners and systems write through this service. */
  agency: AdviceAgency;
  /** Service name: consumer groups, the forwarder checkpoint and CloudEvents source `/tio/<service>`. */
  service: string;
  /** Default port of the service (CoreModule). */
  defaultPort: number;
  /**
   * Extra event-store categories the service owns for its agency-specific records (e.g. `['health']`). The kit
   * always owns `advice`; only `advice` streams are forwarded to Kafka.
   */
  extraCategories?: string[];
  /**
   * Attempts before an inbound message that keeps failing (e.g. advice for a request the service has not heard of
   * yet) is dead-lettered. Default 5 (about 3.5 s of backoff), enough for the case event to arrive.
   */
  inboundMaxAttempts?: number;
}

/**
 * Agencies whose advice a service that is not an agency service records itself (`AgencyAdviceModule.hostedIn`):
 * `local-authority` is the family's caseworker recording the views of the child and family (reg 6(1)(a)) in the
 * case service; `other` is anyone else the LA asks (reg 6(1)(f)/(h)). Their advice is published on the case topic.
 */
export type HostedAdviceAgency = 'local-authority' | 'other';

/**
 * Who may read and write advice on a case, decided by the host (e.g. the case service: only the responsible local
 * authority). Throw (a Nest HTTP exception or a domain error) to refuse; return to allow.
 */
export interface AdviceAccessPolicy {
  authorise(principal: Principal, caseId: string, access: 'read' | 'write'): Promise<void> | void;
}

export interface HostedAdviceOptions {
  /** The agency whose advice the host records. */
  agency: HostedAdviceAgency;
  /** The host service's name: consumer group of the read model, forwarder checkpoint, CloudEvents source `/tio/<service>`. */
  service: string;
  /** Roles that may write (with the token's agency = `agency`). Default `['practitioner', 'service']`, as for an agency service. */
  writerRoles?: Role[];
  /** Host-specific access rule for every route, instantiated in the kit's module (global providers only: EVENT_STORE, PG_POOL, ...). */
  access?: Type<AdviceAccessPolicy>;
  /**
   * The family write their own views (`parent-views` only, agency `family`) through the host's family routes, which
   * check that the member may act on the case before calling `AdviceCommands` (issue #21).
   */
  familyWriters?: boolean;
}

/** What the kit's shared classes need of either variant (`forAgency` or `hostedIn`). */
export interface AdviceKitOptions {
  agency: AdviceAgency | HostedAdviceAgency;
  service: string;
  writerRoles?: readonly Role[];
  /** See `HostedAdviceOptions.familyWriters`. */
  familyWriters?: boolean;
}

/** The options of either variant, under the kit's classes' view (`AdviceKitOptions`). */
export const AGENCY_OPTIONS = Symbol('AGENCY_OPTIONS');
/** The forwarder of `advice` streams: the service's own (`forAgency`) or the kit's second one (`hostedIn`). */
export const ADVICE_FORWARDER = Symbol('ADVICE_FORWARDER');
/** The host's `AdviceAccessPolicy`, when it gave one. */
export const ADVICE_ACCESS = Symbol('ADVICE_ACCESS');
/** Resolves once the kit's read-model migrations are applied (consumers and commands wait for it). */
export const AGENCY_READ_MODEL = Symbol('AGENCY_READ_MODEL');

/** Advice types this agency may give (the same rule the decider enforces), for documentation and hints. */
export type { AdviceType };
