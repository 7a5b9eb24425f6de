import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStores, ROOT, type TestStores } from '../testing/fixtures';
import { writeBulkCase } from '../testing/bulk';
import { parseArgs } from './replay';

const TOTAL = 100_000;

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'services/audit/src/cli/replay.ts', ...args], {
      cwd: ROOT, env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.base.json', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('replay CLI', () => {
  let stores: TestStores;
  let dir: string;
  const caseId = randomUUID();

  beforeAll(async () => {
    stores = await createStores(['case', 'education']);
    dir = mkdtempSync(join(tmpdir(), 'audit-replay-'));
    await writeBulkCase(stores.stores, caseId, TOTAL);
  }, 300_000);

  afterAll(async () => {
    await stores?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('parses its arguments (both --key value and --key=value) and rejects bad ones', () => {
    expect(parseArgs(['--', '--case', 'abc', '--format=csv', '--at', '2025-03-03'])).toEqual({ caseId: 'abc', format: 'csv', at: '2025-03-03T00:00:00.000Z', progress: true });
    expect(() => parseArgs([])).toThrow(/--case/);
    expect(() => parseArgs(['--case', 'a', '--format', 'xml'])).toThrow(/json or csv/);
    expect(() => parseArgs(['--case', 'a', '--at', 'soon'])).toThrow(/ISO 8601/);
    expect(() => parseArgs(['--case', 'a', '--bogus', '1'])).toThrow(/unknown option/);
  });

  it(`replays a case of ${TOTAL.toLocaleString('en-GB')} events from two stores with a progress bar, to a file`, async () => {
    const out = join(dir, 'case.json');
    const res = await runCli(['--case', caseId, '--out', out], { AUDIT_EVENT_STORES: stores.env });
    expect(res.stderr).toMatch(new RegExp(`replay ${caseId} \\[[#.]{30}\\]\\s+0% 0/${TOTAL} events`));
    expect(res.stderr).toMatch(new RegExp(`100% ${TOTAL}/${TOTAL} events [\\d,]+ events/s`));
    expect(res.stderr).toMatch(new RegExp(`${TOTAL} events in [\\d.]+s`));
    expect(res.code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.count).toBe(TOTAL);
    expect(doc.entries).toHaveLength(TOTAL);
    expect(doc.entries[TOTAL - 1].position).toBe(TOTAL);
    expect(doc.asOf.bySource).toEqual({ case: TOTAL / 2, education: TOTAL / 2 });
    // the merged order holds across the whole replay
    for (let i = 1; i < TOTAL; i++) {
      const a = doc.entries[i - 1];
      const b = doc.entries[i];
      expect(a.recordedAt < b.recordedAt || (a.recordedAt === b.recordedAt && (a.source < b.source || (a.source === b.source && BigInt(a.globalPosition) < BigInt(b.globalPosition))))).toBe(true);
    }
  }, 300_000);

  it('writes CSV to stdout, limited by --at', async () => {
    const res = await runCli(['--case', caseId, '--format', 'csv', '--at', '2000-01-01T00:00:00Z', '--no-progress'], { AUDIT_EVENT_STORES: stores.env });
    expect(res.code).toBe(0);
    expect(res.stdout.trim().split('\r\n')).toEqual([expect.stringMatching(/^position,recordedAt/)]);
    expect(res.stderr).toMatch(/no event store holds any event/);
  }, 120_000);

  it('fails clearly without AUDIT_EVENT_STORES or with bad arguments', async () => {
    const missing = await runCli(['--case', caseId], { AUDIT_EVENT_STORES: '' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/AUDIT_EVENT_STORES is not set/);
    const bad = await runCli(['--format', 'csv'], { AUDIT_EVENT_STORES: stores.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/usage: replay/);
  }, 120_000);
});
