import { rmSync } from 'node:fs';
import { startKafka } from './kafka';
import { startEmbeddedPostgres } from './postgres';
import { localStateDir } from './workspace';

export interface LocalInfra {
  /** PostgreSQL cluster URL (its `postgres` database); services derive their own databases from it. */
  databaseUrl: string;
  kafkaBrokers: string;
  /** What the project started itself, as opposed to what the environment pointed at. */
  started: { postgres: boolean; kafka: boolean };
  /** The embedded cluster's data folder, when the project started PostgreSQL itself. */
  postgresDataDir?: string;
  stop(): Promise<void>;
}

export interface LocalInfraOptions {
  /** `run` keeps data between starts; `test` starts empty and removes everything on stop. */
  mode: 'run' | 'test';
  env?: NodeJS.ProcessEnv;
  log?: (source: 'postgres' | 'kafka', line: string) => void;
}

/**
 * Starts what the environment does not already provide: an embedded PostgreSQL unless DATABASE_URL is set,
 * a local KRaft Kafka broker unless KAFKA_BROKERS is set. Used by the run command, the test command and the
 * Jest global setup alike.
 */
export async function startLocalInfra(options: LocalInfraOptions): Promise<LocalInfra> {
  const env = options.env ?? process.env;
  const scope = options.mode === 'run' ? ['run'] : ['test', String(process.pid)];
  const postgresPromise = env['DATABASE_URL']
    ? Promise.resolve(undefined)
    : startEmbeddedPostgres({
        dir: localStateDir(...scope, 'postgres'),
        persistent: options.mode === 'run',
        port: env['POSTGRES_PORT'],
        log: (line) => options.log?.('postgres', line),
      });
  const kafkaPromise = env['KAFKA_BROKERS']
    ? Promise.resolve(undefined)
    : startKafka({
        dir: localStateDir(...scope, 'kafka'),
        persistent: options.mode === 'run',
        port: env['KAFKA_PORT'],
        log: (line) => options.log?.('kafka', line),
      });
  const [postgres, kafka] = await Promise.allSettled([postgresPromise, kafkaPromise]);
  const stopAll = async () => {
    await Promise.allSettled([
      kafka.status === 'fulfilled' ? kafka.value?.stop() : undefined,
      postgres.status === 'fulfilled' ? postgres.value?.stop() : undefined,
    ]);
    if (options.mode === 'test') rmSync(localStateDir(...scope), { recursive: true, force: true });
  };
  if (postgres.status === 'rejected' || kafka.status === 'rejected') {
    await stopAll();
    throw postgres.status === 'rejected' ? postgres.reason : (kafka as PromiseRejectedResult).reason;
  }
  let stopping: Promise<void> | undefined;
  return {
    databaseUrl: postgres.value?.url ?? (env['DATABASE_URL'] as string),
    kafkaBrokers: kafka.value?.brokers ?? (env['KAFKA_BROKERS'] as string),
    started: { postgres: !!postgres.value, kafka: !!kafka.value },
    postgresDataDir: postgres.value?.dataDir,
    stop: () => (stopping ??= stopAll()),
  };
}
