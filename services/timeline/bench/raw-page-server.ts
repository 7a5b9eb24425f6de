/**
 * The timeline API bench's fair baseline (issue #20 item 4): a raw `node:http` server that answers
 * GET /cases/:id/timeline[?limit=N] with the service's own reads (TimelineQueries: case info, generation and the page
 * SQL with its row mapping, over the same DataSource kind and pool size) and the same JSON body as TimelineService, but
 * with no framework, no JWT check, no access check and no access-log write. What the service does beyond this is the
 * cost the bench measures.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { timelineDataSource } from '../src/read-model/data-source';
import { TimelineQueries } from '../src/read-model/timeline.queries';

export interface RawPageServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const PAGE_PATH = /^\/cases\/([^/]+)\/timeline$/;


/** Starts the baseline on a random port of 127.0.0.1 over its own pool (max 20, as service-kit's PG_POOL). */
export async function startRawPageServer(databaseUrl: string): Promise<RawPageServer> {
  const pool = new Pool({ connectionString: databaseUrl, max: 20, application_name: 'tio-timeline-bench-raw' });
  const db = await timelineDataSource(pool).initialize();
  const queries = new TimelineQueries(db);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://raw');
    const match = req.method === 'GET' ? PAGE_PATH.exec(url.pathname) : null;
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    queries.page(match[1], { limit: Number(url.searchParams.get('limit') ?? 100) }).then(
      (body) => {
        const json = JSON.stringify(body);
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) }).end(json);
      },
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.destroy();
      await pool.end();
    },
  };
}
