/** Starts a service as its own Node process (TypeScript through @swc-node/register), the way `npm start` does. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InfraPrerequisiteError, isPortFree, workspaceRoot } from '@tio/local-infra';
import type { ServiceEntry } from './services';

const root = workspaceRoot();

export interface RunningService {
  entry: ServiceEntry;
  port: number;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

/** `nodeArgs`: extra Node options before the script (a bench's `--cpu-prof`, which NODE_OPTIONS refuses). */
export async function startService(entry: ServiceEntry, port: number, logDir: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<RunningService> {
  if (!(await isPortFree(port))) {
    throw new InfraPrerequisiteError(
      `Port ${port} for the ${entry.name} service is already in use. Stop whatever listens there or set ${entry.portVariable} to another port.`,
    );
  }
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${entry.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [...nodeArgs, '-r', '@swc-node/register', join(root, 'services', entry.name, 'src/main.ts')], {
    cwd: root,
    env: { ...env, PORT: String(port), HOST: process.env['HOST'] ?? '127.0.0.1', TIO_WATCH_STDIN: '1', SWC_NODE_PROJECT: join(root, 'tsconfig.base.json') },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { entry, port, child, logFile, exited };
}

export async function waitReady(service: RunningService, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void service.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) break;
    try {
      const res = await fetch(`http://127.0.0.1:${service.port}/health/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  const tail = readFileSync(service.logFile, 'utf8').trim().split('\n').slice(-15).join('\n');
  throw new InfraPrerequisiteError(
    `The ${service.entry.name} service ${exitCode !== undefined ? `exited with ${exitCode}` : `was not ready within ${timeoutMs / 1000} s`}. Last lines of ${service.logFile}:\n${tail}`,
  );
}

export async function stopService(service: RunningService): Promise<void> {
  if (service.child.exitCode !== null) return;
  service.child.stdin?.end(); // the service closes itself when its stdin ends
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000).unref());
  if ((await Promise.race([service.exited, timeout])) === 'timeout') {
    service.child.kill('SIGKILL');
    await service.exited;
  }
}

