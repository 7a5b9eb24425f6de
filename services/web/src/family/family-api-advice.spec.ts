import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebConfig } from '../config';
import { TimelineRefused } from '../timeline-api';
import { FamilyApi } from './family-api';

const CASE = '5b2f6a0e-8f7e-4a43-9c1d-2f0a6b7c8d9e';

/** A service on a real port that answers GET /cases/:caseId/family/advice with `status` and `body`, recording the token. */
async function service(status: number, body: unknown, seen: string[]): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers.authorization}`);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('FamilyApi.advice: the advice from every service that holds it', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });
  const api = (caseUrl: string | undefined, agencyUrls: WebConfig['agencyUrls']) => new FamilyApi({ caseUrl, agencyUrls } as WebConfig);
  const start = async (status: number, body: unknown, seen: string[]) => {
    const s = await service(status, body, seen);
    servers.push(s.server);
    return s.url;
  };

  it('Given the case service and two agency services, then each is asked with the member’s token; one that fails is reported, the others kept', async () => {
    const seen: string[] = [];
    const views = { adviceId: 'v1', adviceType: 'parent-views' };
    const medical = { adviceId: 'm1', adviceType: 'medical' };
    const answers = await api(await start(200, { advice: [views] }, seen), { health: await start(200, { advice: [medical] }, seen), education: await start(503, { detail: 'down' }, seen) })
      .advice('tok-jo', CASE);
    expect(answers).toEqual([
      { source: 'local-authority', ok: true, advice: [views] },
      { source: 'health', ok: true, advice: [medical] },
      { source: 'education', ok: false, status: 503 },
    ]);
    expect(seen).toEqual(Array(3).fill(`/cases/${CASE}/family/advice Bearer tok-jo`));
  });

  it('Given a service that cannot be reached, then it is reported as unavailable', async () => {
    const answers = await api(await start(200, { advice: [] }, []), { health: 'http://127.0.0.1:9' }).advice('tok-jo', CASE);
    expect(answers[1]).toEqual({ source: 'health', ok: false, status: 503 });
  });

  it('Given every service refuses, then the member is told they are not linked (a refusal, not an empty page)', async () => {
    const refusing = api(await start(403, { detail: 'no' }, []), { health: await start(403, { detail: 'no' }, []) });
    await expect(refusing.advice('tok-stranger', CASE)).rejects.toEqual(new TimelineRefused(403, 'You are not linked to this case, or may no longer see it. Ask the council’s SEND team to invite you.'));
  });

  it('Given no advice service is connected, then a 503 that says so', async () => {
    await expect(api(undefined, {}).advice('tok-jo', CASE)).rejects.toMatchObject({ status: 503 });
  });
});
