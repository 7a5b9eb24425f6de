import type { Principal } from '@tio/auth';
import type { NextFunction, Response } from 'express';
import type { WebConfig } from '../config';
import { SessionMiddleware, type WebRequest } from './session.middleware';
import { MemorySessionStore, SessionStore } from './sessions';

const priya: Principal = { userId: 'caseworker-priya', name: 'Priya Shah', organisationId: 'E10000028', agency: 'local-authority', roles: ['case-officer'] };
const config = { secureCookies: false } as WebConfig;

/** What the middleware did: went on (with which session), redirected, or answered itself. */
async function run(store: SessionStore, path: string, cookie?: string, method = 'GET') {
  const req = { path, originalUrl: path, method, headers: cookie ? { cookie } : {} } as unknown as WebRequest;
  const out: { next?: boolean; status?: number; location?: string; body?: string; headers: Record<string, string> } = { headers: {} };
  const res = {
    status(code: number) { out.status = code; return res; },
    setHeader(name: string, value: string) { out.headers[name] = value; return res; },
    type() { return res; },
    send(body: string) { out.body = body; return res; },
    redirect(code: number, location: string) { out.status = code; out.location = location; },
  } as unknown as Response;
  await new SessionMiddleware(store, config).use(req, res, (() => { out.next = true; }) as NextFunction);
  return { ...out, session: req.webSession };
}

class UnreachableStore extends MemorySessionStore {
  override async get(): Promise<undefined> {
    throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
  }
}

describe('the session middleware over the (async) session store', () => {
  it('finds the session of the cookie, and sends a page without one to sign in', async () => {
    const store = new MemorySessionStore();
    const session = await store.create(priya, { accessToken: 'at' }, 8);
    expect(await run(store, '/caseload', `tio_session=${session.id}`)).toMatchObject({ next: true, session });
    expect(await run(store, '/caseload', 'tio_session=unknown')).toMatchObject({ status: 303, location: '/sign-in?returnTo=%2Fcaseload', session: undefined });
    expect(await run(store, '/caseload', undefined, 'POST')).toMatchObject({ status: 401 });
  });

  it('when the session database cannot be reached: public pages open as signed out, the others answer 503', async () => {
    const store = new UnreachableStore();
    expect(await run(store, '/accessibility', 'tio_session=abc')).toMatchObject({ next: true, session: undefined });
    expect(await run(store, '/health/live', 'tio_session=abc')).toMatchObject({ next: true });
    const refused = await run(store, '/caseload', 'tio_session=abc');
    expect(refused).toMatchObject({ status: 503, headers: { 'retry-after': '30' }, body: expect.stringContaining('unavailable') });
    expect(refused.next).toBeUndefined();
  });
});
