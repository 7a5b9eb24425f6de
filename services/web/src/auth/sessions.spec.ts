import type { Principal } from '@tio/auth';
import { cookie, cookieNames, parseCookies } from './cookies';
import { MemorySessionStore, safeReturnTo } from './sessions';

const priya: Principal = { userId: 'caseworker-priya', name: 'Priya Shah', organisationId: 'E10000028', agency: 'local-authority', roles: ['case-officer'] };

describe('the server-side sessions in memory (no DATABASE_URL)', () => {
  let now = 1_000_000;
  const store = new MemorySessionStore(() => now);

  it('keys a session by a random 256-bit id and ends it when the access token expires', async () => {
    const s = await store.create(priya, { accessToken: 'at', idToken: 'it', expiresInSeconds: 3600 }, 8);
    expect(s.id).toMatch(/^[\w-]{43}$/);
    expect((await store.get(s.id))?.principal).toEqual(priya);
    now += 3_600_000;
    expect(await store.get(s.id)).toBeUndefined();
  });

  it('ends at the session limit when the token lasts longer, and on sign-out', async () => {
    const s = await store.create(priya, { accessToken: 'at', expiresInSeconds: 48 * 3600 }, 8);
    expect(s.expiresAt).toBe(now + 8 * 3_600_000);
    expect((await store.end(s.id))?.id).toBe(s.id);
    expect(await store.get(s.id)).toBeUndefined();
  });

  it('gives a sign-in under way to one callback only, for 10 minutes', async () => {
    const p = await store.startSignIn({ state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/caseload' });
    expect((await store.takeSignIn(p.id))?.state).toBe('s');
    expect(await store.takeSignIn(p.id)).toBeUndefined();
    const late = await store.startSignIn({ state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/caseload' });
    now += 10 * 60_000;
    expect(await store.takeSignIn(late.id)).toBeUndefined();
  });
});

describe('where to return after signing in', () => {
  it.each([['/cases/abc?x=1', '/cases/abc?x=1'], ['//evil.example/x', '/'], ['/\\evil.example', '/'], ['https://evil.example/', '/'], [undefined, '/'], ['/a b', '/']])('%s -> %s', (given, expected) => {
    expect(safeReturnTo(given)).toBe(expected);
  });
});

describe('the cookies', () => {
  it('are HttpOnly, SameSite=Lax and Path=/; Secure with the __Host- prefix over https', () => {
    expect(cookie(cookieNames(false).session, 'id', false, 60)).toBe('tio_session=id; Path=/; HttpOnly; SameSite=Lax; Max-Age=60');
    expect(cookie(cookieNames(true).session, 'id', true, 60)).toBe('__Host-tio_session=id; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=60');
    expect(cookie('tio_session', '', false, 0)).toContain('Max-Age=0');
  });

  it('are read from the Cookie header, a malformed value treated as absent', () => {
    const c = parseCookies('a=1; tio_session=abc%2D; bad=%E0%A4%A');
    expect(c.get('tio_session')).toBe('abc-');
    expect(c.has('bad')).toBe(false);
  });
});
