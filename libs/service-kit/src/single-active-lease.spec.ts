import { spawn } from 'node:child_process';
import { Pool } from 'pg';
import { ensureDatabase } from '@tio/local-infra';
import { SingleActiveLease, type LeasedJob } from './single-active-lease';

const RETRY_MS = 200;

class RecordingJob implements LeasedJob {
  running = false;
  starts = 0;
  stops = 0;
  start() {
    this.running = true;
    this.starts++;
  }
  stop() {
    this.running = false;
    this.stops++;
  }
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - started;
}

/** The single-active lease on the real PostgreSQL: one holder, fail-over when the holder's session ends. */
describe('SingleActiveLease (real PostgreSQL)', () => {
  let url: string;
  let admin: Pool;
  const leases: SingleActiveLease[] = [];
  const lease = (name: string, job: LeasedJob) => {
    const l = new SingleActiveLease({ connectionString: url, name, retryMs: RETRY_MS }, job);
    leases.push(l);
    return l;
  };
  /** Backends holding our advisory lock (granted), whatever holds it. */
  const holders = async () =>
    (await admin.query<{ pid: number }>(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)).rows.map((r) => r.pid);

  beforeAll(async () => {
    url = await ensureDatabase(process.env['DATABASE_URL'] as string, 'service_kit_lease_spec');
    admin = new Pool({ connectionString: url, max: 2 });
  });
  afterEach(async () => {
    await Promise.all(leases.splice(0).map((l) => l.stop()));
  });
  afterAll(async () => {
    await admin?.end();
  });

  it('lets exactly one of two replicas run the job; the other takes over once the holder releases it on stop', async () => {
    const [jobA, jobB] = [new RecordingJob(), new RecordingJob()];
    const a = lease('probe-stop', jobA);
    const b = lease('probe-stop', jobB);
    await a.start();
    await b.start();
    expect([a.active, b.active]).toEqual([true, false]);
    expect([jobA.running, jobB.running]).toEqual([true, false]);
    // standbys keep trying and keep failing while the holder lives
    await new Promise((r) => setTimeout(r, RETRY_MS * 3));
    expect(jobB.starts).toBe(0);

    const stoppedAt = Date.now();
    await a.stop();
    expect(jobA).toMatchObject({ running: false, stops: 1 });
    await until('B to take over', () => b.active);
    console.log(`lease fail-over after a graceful stop: ${Date.now() - stoppedAt} ms (retry every ${RETRY_MS} ms)`);
    expect(jobB).toMatchObject({ running: true, starts: 1 });
  });

  it("stops the job of a holder whose connection is cut, and one replica (either) runs it again", async () => {
    const [jobA, jobB] = [new RecordingJob(), new RecordingJob()];
    const a = lease('probe-cut', jobA);
    await a.start();
    const b = lease('probe-cut', jobB);
    await b.start();
    expect(a.active && !b.active).toBe(true);
    const [pid] = await holders();
    const cutAt = Date.now();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await until('A to notice and stop its job', () => !jobA.running);
    expect(jobA.stops).toBe(1);
    // the lock is free: whichever replica tries first (B, or A on a fresh connection) takes it
    await until('a replica to take over', () => a.active || b.active);
    console.log(`lease fail-over after the holder's connection was terminated: ${Date.now() - cutAt} ms (taken by ${b.active ? 'the standby' : 'the old holder, reconnected'})`);
    await new Promise((r) => setTimeout(r, RETRY_MS * 3));
    expect([a.active, b.active].filter(Boolean)).toHaveLength(1);
    expect([jobA.running, jobB.running].filter(Boolean)).toHaveLength(1);
    const now = await holders();
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(pid);
  });

  it('fails over when the holding process is killed (SIGKILL)', async () => {
    // another process takes the lock the way a replica does, then dies without releasing it
    const script = `const { Client } = require('pg');
      const c = new Client({ connectionString: process.argv[1] });
      c.connect().then(() => c.query("SELECT pg_try_advisory_lock(${0x74696f}, hashtext('probe-kill')) AS got")).then((r) => { console.log(r.rows[0].got ? 'held' : 'not held'); setInterval(() => {}, 1000); });`;
    const child = spawn(process.execPath, ['-e', script, url], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    const said = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
    expect(said).toBe('held');

    const job = new RecordingJob();
    const standby = lease('probe-kill', job);
    await standby.start();
    expect(standby.active).toBe(false);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await until('the standby to take over', () => standby.active);
    console.log(`lease fail-over after the holding process was killed: ${Date.now() - killedAt} ms`);
    expect(job).toMatchObject({ running: true, starts: 1 });
  });

  it('keeps different names independent', async () => {
    const [x, y] = [lease('probe-x', new RecordingJob()), lease('probe-y', new RecordingJob())];
    await x.start();
    await y.start();
    expect([x.active, y.active]).toEqual([true, true]);
  });
});
