/**
 * The agencies that run a Tell It Once service: `local-authority` is the LA SEND team (and the family's caseworker),
 * `education`, `health` and `social-care` the agency services. Every other list of agencies is built from this one.
 */
export const SERVICE_AGENCIES = ['local-authority', 'education', 'health', 'social-care'] as const;
export type ServiceAgency = (typeof SERVICE_AGENCIES)[number];

/**
 * Whom an actor acts for: an agency service, the family itself, or `system` (the services' own identity, e.g. a
 * scheduled job). Carried by tokens (`agency` claim), event metadata and the CloudEvents `actoragency` attribute.
 */
export const ACTOR_AGENCIES = [...SERVICE_AGENCIES, 'family', 'system'] as const;
export type ActorAgency = (typeof ACTOR_AGENCIES)[number];

export function isActorAgency(value: unknown): value is ActorAgency {
  return typeof value === 'string' && (ACTOR_AGENCIES as readonly string[]).includes(value);
}
