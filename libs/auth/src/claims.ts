import { CITIZEN_SUBJECT_PREFIX } from './citizen';
import { ACTOR_AGENCIES, isActorAgency, type ActorAgency } from '@tio/kernel';

/** What a caller may do. A token may carry several. */
export type Role =
  /** a practitioner in an agency: SENCO, caseworker, paediatrician, social worker */
  | 'practitioner'
  /** the LA SEND team: moves the case lifecycle */
  | 'case-officer'
  /** auditors, complaints and tribunal staff, inspectors: read everything, write nothing */
  | 'auditor'
  /** another service of this system calling internally */
  | 'service'
  /**
   * a parent, carer or young person signed in at the citizen identity provider (agency `family`, organisation
   * `family`, subject `citizen:<issuer>#<sub>`): sees and acts only on the cases they are linked to (issue #21). Only a
   * token of the family token issuer carries it (citizen.ts)
   */
  | 'family';

export const ROLES: readonly Role[] = ['practitioner', 'case-officer', 'auditor', 'service', 'family'];

/** The organisation claim of every family principal: citizens have no organisation, and the claim is required. */
export const FAMILY_ORGANISATION = 'family';

/** A family member (parent, carer, young person) signed in at the citizen identity provider. */
export const isFamilyPrincipal = (p: Pick<Principal, 'roles'>): boolean => p.roles.includes('family');

/** The authenticated caller, from a verified JWT. */
export interface Principal {
  userId: string;
  name?: string;
  organisationId: string;
  agency: ActorAgency;
  roles: Role[];
  /** When the token stops being valid (ms since the epoch), if it says: long-lived connections end then. */
  expiresAt?: number;
}

/** The JWT claims we read: `sub`, `org`, `agency`, `roles` (and optionally `name`). */
export interface TioClaims {
  sub?: string;
  org?: unknown;
  agency?: unknown;
  roles?: unknown;
  name?: unknown;
  exp?: unknown;
}

/** Checks the custom claims of a practitioners' (or services') token and returns the principal, or the reason the token is unusable. */
export function principalFromClaims(claims: TioClaims): Principal | { invalid: string } {
  if (typeof claims.sub !== 'string' || !claims.sub) return { invalid: 'token has no subject (sub)' };
  if (typeof claims.org !== 'string' || !claims.org) return { invalid: 'token has no organisation (org claim)' };
  if (!isActorAgency(claims.agency)) {
    return { invalid: `token's agency claim must be one of ${ACTOR_AGENCIES.join(', ')}` };
  }
  if (!Array.isArray(claims.roles) || claims.roles.length === 0 || !claims.roles.every((r) => ROLES.includes(r as Role))) {
    return { invalid: `token's roles claim must be a non-empty list of ${ROLES.join(', ')}` };
  }
  // the role family comes only from the family token issuer (the citizen sign-in's exchange: familyPrincipalFromClaims),
  // and a citizen's subject only with it: a practitioners' issuer can make neither, so the two never meet
  if (claims.roles.includes('family') || claims.agency === 'family') {
    return { invalid: 'the role family comes only from the family token issuer (citizen sign-in), not from a practitioners\' issuer' };
  }
  if (claims.sub.startsWith(CITIZEN_SUBJECT_PREFIX)) return { invalid: `a practitioner's subject never starts with ${CITIZEN_SUBJECT_PREFIX}` };
  return {
    userId: claims.sub,
    name: typeof claims.name === 'string' ? claims.name : undefined,
    organisationId: claims.org,
    agency: claims.agency,
    roles: claims.roles as Role[],
    ...(typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? { expiresAt: claims.exp * 1000 } : {}),
  };
}
