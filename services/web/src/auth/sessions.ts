import { randomBytes } from 'node:crypto';
import type { Principal } from '@tio/auth';

/** Who is signed in, and the tokens the service calls the APIs with: kept on the server, never sent to the browser. */
export interface WebSession {
  id: string;
  principal: Principal;
  /** Where they signed in: the organisation's provider, or the citizen identity provider (families). */
  provider: SignInProvider;
  accessToken: string;
  idToken?: string;
  /** For the sign-out form (a POST from this service's own page). */
  csrf: string;
  expiresAt: number;
}

export type SignInProvider = 'practitioner' | 'citizen';

/** A sign-in under way: what the callback must match (state, nonce) and prove (the PKCE verifier), and at which provider. */
export interface PendingSignIn {
  id: string;
  provider: SignInProvider;
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  expiresAt: number;
}

const newId = () => randomBytes(32).toString('base64url');

/**
 * Sessions in this process's memory, keyed by a random 256-bit id (the only thing in the cookie). Expired ones are
 * dropped when met and swept on each write. One instance only: a restart signs everyone out (README "Known gaps").
 */
export class SessionStore {
  private readonly sessions = new Map<string, WebSession>();
  private readonly pending = new Map<string, PendingSignIn>();

  constructor(private readonly now: () => number = Date.now) {}

  create(principal: Principal, tokens: { accessToken: string; idToken?: string; expiresInSeconds?: number; provider?: SignInProvider }, maxHours: number): WebSession {
    this.sweep();
    const limit = this.now() + maxHours * 3_600_000;
    const tokenEnd = tokens.expiresInSeconds ? this.now() + tokens.expiresInSeconds * 1000 : limit;
    const session: WebSession = { id: newId(), principal, provider: tokens.provider ?? 'practitioner', accessToken: tokens.accessToken, idToken: tokens.idToken, csrf: newId(), expiresAt: Math.min(limit, tokenEnd, principal.expiresAt ?? limit) };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): WebSession | undefined {
    const session = id ? this.sessions.get(id) : undefined;
    if (session && session.expiresAt <= this.now()) {
      this.sessions.delete(session.id);
      return undefined;
    }
    return session;
  }

  end(id: string | undefined): WebSession | undefined {
    const session = this.get(id);
    if (id) this.sessions.delete(id);
    return session;
  }

  startSignIn(values: Omit<PendingSignIn, 'id' | 'expiresAt' | 'provider'> & { provider?: SignInProvider }): PendingSignIn {
    this.sweep();
    const pending: PendingSignIn = { ...values, provider: values.provider ?? 'practitioner', id: newId(), expiresAt: this.now() + 10 * 60_000 };
    this.pending.set(pending.id, pending);
    return pending;
  }

  /** The sign-in under way, once: a callback replayed with the same cookie finds nothing. */
  takeSignIn(id: string | undefined): PendingSignIn | undefined {
    const pending = id ? this.pending.get(id) : undefined;
    if (id) this.pending.delete(id);
    return pending && pending.expiresAt > this.now() ? pending : undefined;
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
    for (const [id, p] of this.pending) if (p.expiresAt <= now) this.pending.delete(id);
  }
}

/**
 * Only a path of this service (no scheme, host or `//`): where to go back to after signing in. Without one, the start
 * page, which sends each user to their own first page (caseload, auditor's pages or the family's case).
 */
export function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(value) && value.length <= 500 ? value : '/';
}
