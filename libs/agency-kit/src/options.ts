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

export const AGENCY_OPTIONS = Symbol('AGENCY_OPTIONS');
/** Resolves once the kit's read-model migrations are applied (consumers and commands wait for it). */
export const AGENCY_READ_MODEL = Symbol('AGENCY_READ_MODEL');

/** Advice types this agency may give (the same rule the decider enforces), for documentation and hints. */
export type { AdviceType };
