import { spawn, spawnSync } from 'node:child_process';
import { InfraPrerequisiteError } from './errors';

/** Runs `cmd args` and returns its combined output, or undefined when the command is not installed. */
export function probe(cmd: string, args: string[]): string | undefined {
  const result = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000, env: process.env });
  if (result.error) return undefined;
  return `${result.stdout ?? ''}${result.stderr ?? ''}`;
}

export function requireJava(): void {
  const out = probe('java', ['-version']);
  const major = out ? Number(/version "(\d+)(?:\.(\d+))?/.exec(out)?.[1] === '1' ? 8 : /version "(\d+)/.exec(out)?.[1]) : 0;
  if (!out || !Number.isFinite(major) || major < 17) {
    throw new InfraPrerequisiteError(
      `${out ? `Java ${major || '(unknown version)'} found, but` : 'No `java` on PATH:'} the local Kafka broker needs Java 17 or newer. ` +
        'Install it (Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`) or set KAFKA_BROKERS=host:port to use an existing broker.',
    );
  }
}

export function requireMaven(): void {
  if (!probe('mvn', ['-v'])) {
    throw new InfraPrerequisiteError(
      'No `mvn` on PATH: Maven fetches the Kafka broker jars from Maven Central on the first start. ' +
        'Install it (Debian/Ubuntu: `apt-get install maven`) or set KAFKA_BROKERS=host:port to use an existing broker.',
    );
  }
}

/** Runs a command to completion, keeping the tail of its output for the error message. */
export function run(cmd: string, args: string[], options: { cwd?: string; timeoutMs: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} ${signal ? `was killed (${signal}, timeout ${options.timeoutMs} ms)` : `exited with ${code}`}\n${output}`));
    });
  });
}
