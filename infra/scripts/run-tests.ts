/**
 * The README's test command (`npm test`): type-checks and lints the workspace, starts a real PostgreSQL and Kafka
 * broker once (unless DATABASE_URL / KAFKA_BROKERS point at existing ones), runs every project's Jest suite
 * through Nx against them, stops them, and prints one closing line: `tests: N passed, N failed, N skipped`.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InfraPrerequisiteError, localStateDir, onShutdown, startLocalInfra, workspaceRoot } from '@tio/local-infra';
import { runDependencyAudit } from './dependency-audit';

const root = workspaceRoot();
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

function step(title: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  console.log(`\n=== ${title}: ${[cmd.replace(`${root}/`, ''), ...args].join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

interface JestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numRuntimeErrorTestSuites: number;
}

function tally(resultsDir: string): { passed: number; failed: number; skipped: number; projects: number } {
  const totals = { passed: 0, failed: 0, skipped: 0, projects: 0 };
  if (!existsSync(resultsDir)) return totals;
  for (const file of readdirSync(resultsDir).filter((f) => f.endsWith('.json'))) {
    const r = JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as JestJson;
    totals.projects += 1;
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
    totals.skipped += r.numPendingTests + r.numTodoTests;
  }
  return totals;
}

/**
 * The timeline page's browser test drives Debian's Chromium (never a browser download). On a fresh Debian/Ubuntu
 * machine where we are root, install it; elsewhere say what is needed (CHROMIUM_PATH points at another build).
 */
async function ensureChromium(): Promise<void> {
  const path = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (existsSync(path)) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.log(`\nNo Chromium at ${path}: the browser test will fail. Install Debian's chromium package or set CHROMIUM_PATH.`);
    return;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if ((await step('browser', 'apt-get', ['update', '-qq'], env)) !== 0 || (await step('browser', 'apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], env)) !== 0) {
    console.log('Installing Chromium with apt-get failed: the browser test will fail.');
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const failures: string[] = [];
  await ensureChromium();
  if ((await step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'])) !== 0) failures.push('typecheck');
  if ((await step('lint', bin('nx'), ['run-many', '-t', 'lint', '--outputStyle=static'])) !== 0) failures.push('lint');
  if (!runDependencyAudit(workspaceRoot())) failures.push('dependency audit');

  console.log('\n=== infrastructure: PostgreSQL and Kafka');
  const t0 = Date.now();
  const infra = await startLocalInfra({ mode: 'test' });
  onShutdown(() => infra.stop());
  console.log(
    `PostgreSQL ${infra.databaseUrl.replace(/:[^:@/]+@/, ':***@')} (${infra.started.postgres ? 'embedded, started' : 'from DATABASE_URL'})\n` +
      `Kafka      ${infra.kafkaBrokers} (${infra.started.kafka ? 'local KRaft broker, started' : 'from KAFKA_BROKERS'}) in ${Date.now() - t0} ms`,
  );

  const resultsDir = localStateDir('test-results');
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  // one random master key for the whole run: every project uses the key store database of that key (infra/jest/global-setup.cjs)
  const env = {
    ...process.env, DATABASE_URL: infra.databaseUrl, KAFKA_BROKERS: infra.kafkaBrokers, TIO_TEST_RESULTS: resultsDir, NX_DAEMON: 'false',
    TIO_MASTER_KEY: process.env['TIO_MASTER_KEY'] || randomBytes(32).toString('base64'),
  };
  const testExit = await step('tests', bin('nx'), ['run-many', '-t', 'test', `--parallel=${process.env['TEST_PARALLEL'] ?? 1}`, '--outputStyle=static', '--skip-nx-cache'], env);
  if (testExit !== 0) failures.push('tests');
  await infra.stop();

  const t = tally(resultsDir);
  console.log(`\n${t.projects} projects tested in ${Math.round((Date.now() - started) / 1000)} s${failures.length ? `; failed steps: ${failures.join(', ')}` : ''}`);
  console.log(`tests: ${t.passed} passed, ${t.failed + (testExit !== 0 && t.failed === 0 ? 1 : 0)} failed, ${t.skipped} skipped`);
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof InfraPrerequisiteError ? `\n${err.message}\n` : err);
    process.exit(1);
  },
);
