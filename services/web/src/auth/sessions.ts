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

export const newSessionId = () => randomBytes(32).toString('base64url');

/** What a new session holds: it ends at the session limit, or sooner when the access token or the principal does. */
export function newSession(principal: Principal, tokens: SessionTokens, maxHours: number, now: number): WebSession {
  const limit = now + maxHours * 3_600_000;
  const tokenEnd = tokens.expiresInSeconds ? now + tokens.expiresInSeconds * 1000 : limit;
  return { id: newSessionId(), principal, provider: tokens.provider ?? 'practitioner', accessToken: tokens.accessToken, idToken: tokens.idToken, csrf: newSessionId(), expiresAt: Math.min(limit, tokenEnd, principal.expiresAt ?? limit) };
}

/** A sign-in under way lasts 10 minutes. */
export function newPendingSignIn(values: SignInValues, now: number): PendingSignIn {
  return { ...values, provider: values.provider ?? 'practitioner', id: newSessionId(), expiresAt: now + 10 * 60_000 };
}

export interface SessionTokens {
  accessToken: string;
  idToken?: string;
  expiresInSeconds?: number;
  provider?: SignInProvider;
}

export type SignInValues = Omit<PendingSignIn, 'id' | 'expiresAt' | 'provider'> & { provider?: SignInProvider };

/**
 * Where sessions and sign-ins under way are kept, keyed by a random 256-bit id (the only thing in the cookie): in
 * PostgreSQL when the service has DATABASE_URL (PostgresSessionStore: shared by replicas, kept across restarts), else
 * in this process's memory (MemorySessionStore). Also the injection token.
 */
export abstract class SessionStore {
  abstract create(principal: Principal, tokens: SessionTokens, maxHours: number): Promise<WebSession>;
  /** The session, unless it has expired or was ended. */
  abstract get(id: string | undefined): Promise<WebSession | undefined>;
  /** Sign-out: the session is gone (and answered, if it was there). */
  abstract end(id: string | undefined): Promise<WebSession | undefined>;
  abstract startSignIn(values: SignInValues): Promise<PendingSignIn>;
  /** The sign-in under way, once: a callback replayed with the same cookie finds nothing. */
  abstract takeSignIn(id: string | undefined): Promise<PendingSignIn | undefined>;
}

/**
 * Sessions in this process's memory (without DATABASE_URL: development and tests). Expired ones are dropped when met
 * and swept on each write. One instance only: a restart signs everyone out.
 */
export class MemorySessionStore extends SessionStore {
  private readonly sessions = new Map<string, WebSession>();
  private readonly pending = new Map<string, PendingSignIn>();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  async create(principal: Principal, tokens: SessionTokens, maxHours: number): Promise<WebSession> {
    this.sweep();
    const session = newSession(principal, tokens, maxHours, this.now());
    this.sessions.set(session.id, session);
    return session;
  }

  async get(id: string | undefined): Promise<WebSession | undefined> {
    const session = id ? this.sessions.get(id) : undefined;
    if (session && session.expiresAt <= this.now()) {
      this.sessions.delete(session.id);
      return undefined;
    }
    return session;
  }

  async end(id: string | undefined): Promise<WebSession | undefined> {
    const session = await this.get(id);
    if (id) this.sessions.delete(id);
    return session;
  }

  async startSignIn(values: SignInValues): Promise<PendingSignIn> {
    this.sweep();
    const pending = newPendingSignIn(values, this.now());
    this.pending.set(pending.id, pending);
    return pending;
  }

  async takeSignIn(id: string | undefined): Promise<PendingSignIn | undefined> {
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
