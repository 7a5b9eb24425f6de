import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { probe, requireJava, requireMaven, run } from './commands';
import { InfraPrerequisiteError } from './errors';
import { choosePort } from './ports';
import { localStateDir, workspaceRoot } from './workspace';

/** The broker version this project tests against; see infra/kafka/pom.xml for why 3.9. */
export const KAFKA_VERSION = '3.9.1';

export interface RunningKafka {
  /** Comma-separated bootstrap servers, e.g. 127.0.0.1:41234. */
  brokers: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

export interface KafkaOptions {
  /** Folder for the broker's log.dirs and its own log file. */
  dir: string;
  /** Keep topics between starts (the run command) or start empty (tests). */
  persistent: boolean;
  port?: string;
  log?: (line: string) => void;
  readyTimeoutMs?: number;
}

/**
 * Resolves the Kafka jars from Maven Central once into .local/kafka/<version>/libs; later starts reuse them.
 * A lock folder keeps concurrent first starts from downloading twice.
 */
export async function resolveKafkaJars(version = KAFKA_VERSION): Promise<string> {
  const base = localStateDir('kafka', version);
  const libs = join(base, 'libs');
  if (existsSync(join(base, '.complete'))) return libs;
  requireJava();
  requireMaven();
  mkdirSync(base, { recursive: true });
  const lock = join(base, '.lock');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(join(base, '.complete'))) return libs;
      if (Date.now() > deadline) throw new InfraPrerequisiteError(`Timed out waiting for another process to download Kafka (remove ${lock} if stale).`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (existsSync(join(base, '.complete'))) return libs;
    const staging = join(base, `libs.partial-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    try {
      await run(
        'mvn',
        ['-B', '-q', '-f', join(workspaceRoot(), 'infra/kafka/pom.xml'), `-Dkafka.version=${version}`,
          'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime'],
        { timeoutMs: 15 * 60_000 },
      );
    } catch (err) {
      throw new InfraPrerequisiteError(
        `Maven could not fetch the Kafka ${version} jars from Maven Central (is the registry reachable, or a mirror ` +
          `configured in ~/.m2/settings.xml?). Or set KAFKA_BROKERS=host:port to use an existing broker.\n${(err as Error).message.slice(-1500)}`,
      );
    }
    if (!readdirSync(staging).some((f) => f.startsWith('kafka_2.13-'))) {
      throw new InfraPrerequisiteError(`Maven finished but no kafka_2.13 jar is in ${staging}.`);
    }
    rmSync(libs, { recursive: true, force: true });
    renameSync(staging, libs);
    writeFileSync(join(base, '.complete'), new Date().toISOString());
    return libs;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A random cluster id in Kafka's format (base64url of 16 bytes); never starting with '-', which the format tool would read as an option. */
export function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(dataDir: string, brokerPort: number, controllerPort: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${brokerPort}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${join(dataDir, 'logs')}`,
    'num.partitions=3',
    'auto.create.topics.enable=true',
    // a single broker: internal topics cannot have more than one replica (KafkaJS consumers loop on
    // "group coordinator not available" if __consumer_offsets cannot be created)
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'log.retention.hours=-1',
    'shutdown.delayed.ms=0',
    '',
  ].join('\n');
}

// Runs the broker under a tiny shell guard: when our Node process dies for any reason (even SIGKILL) the guard's
// stdin closes and it stops the broker, so no orphan java is left behind.
const GUARD = `
"$@" </dev/null &
pid=$!
( while read -r _; do :; done; kill -TERM "$pid" 2>/dev/null ) <&0 &
trap 'kill -TERM "$pid" 2>/dev/null' TERM INT
wait "$pid"; status=$?
while kill -0 "$pid" 2>/dev/null; do wait "$pid"; status=$?; done
exit $status
`;

/** Starts a real single-node Kafka broker in KRaft mode on free loopback ports and waits until it serves. */
export async function startKafka(options: KafkaOptions): Promise<RunningKafka> {
  requireJava();
  const libs = await resolveKafkaJars();
  const brokerPort = await choosePort(options.port, 'KAFKA_PORT');
  const controllerPort = await choosePort(undefined, 'KAFKA_CONTROLLER_PORT');
  if (!options.persistent) rmSync(options.dir, { recursive: true, force: true });
  mkdirSync(options.dir, { recursive: true });
  const propsFile = join(options.dir, 'server.properties');
  writeFileSync(propsFile, serverProperties(options.dir, brokerPort, controllerPort));
  const javaBase = ['-cp', `${libs}/*`, `-Dlog4j.configuration=file:${join(workspaceRoot(), 'infra/kafka/log4j.properties')}`];

  if (!existsSync(join(options.dir, 'logs', 'meta.properties'))) {
    const clusterId = kafkaClusterId();
    const out = probe('java', [...javaBase, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile]);
    if (!out || !existsSync(join(options.dir, 'logs', 'meta.properties'))) {
      throw new InfraPrerequisiteError(`Formatting Kafka storage in ${options.dir} failed:\n${out ?? 'java did not run'}`);
    }
  }

  const tail: string[] = [];
  const child: ChildProcess = spawn(
    'bash',
    ['-c', GUARD, 'kafka-guard', 'java', '-Xms256m', '-Xmx1g', '-XX:+UseG1GC', '-Djava.awt.headless=true', ...javaBase, 'kafka.Kafka', propsFile],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const onOutput = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      options.log?.(line);
    }
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);
  let exited: string | undefined;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? code}`;
      resolve();
    }),
  );

  const brokers = `127.0.0.1:${brokerPort}`;
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000).unref());
    if ((await Promise.race([exitPromise, timeout])) === 'timeout') {
      child.kill('SIGKILL');
      child.stdin?.destroy();
      await exitPromise;
    }
    if (!options.persistent) rmSync(options.dir, { recursive: true, force: true });
  };

  try {
    await waitUntilServing(brokers, options.readyTimeoutMs ?? 120_000, () => exited);
  } catch (err) {
    await stop();
    throw new InfraPrerequisiteError(`Kafka broker did not become ready: ${(err as Error).message}\n${tail.join('\n')}`);
  }
  return { brokers, pid: child.pid, stop };
}

/** Ready means a KafkaJS admin client can connect and describe the cluster. */
export async function waitUntilServing(brokers: string, timeoutMs: number, hasExited: () => string | undefined = () => undefined): Promise<void> {
  const kafka = new Kafka({ clientId: 'tio-infra-probe', brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 });
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    const gone = hasExited();
    if (gone) throw new Error(`the broker process ${gone}`);
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) return;
    } catch (err) {
      lastError = (err as Error).message;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`no answer from ${brokers} within ${timeoutMs} ms (${lastError})`);
}
