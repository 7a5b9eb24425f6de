/**
 * Replays a case from every event store to stdout or a file:
 *   npx nx run audit:replay -- --case <caseId> [--at <ISO instant>] [--format json|csv] [--out <file>] [--no-progress]
 * Reads AUDIT_EVENT_STORES (name=postgresUrl,…) like the service. Shows a progress bar with events/s on stderr.
 * JSON output: { caseId, at, stores, order, entries: [...], count, asOf: <the case as it stood at `at`> }.
 * Exit codes: 0 done, 1 failure, 2 bad arguments.
 */
import 'reflect-metadata';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { CaseReplay } from '../as-of/case-replay';
import { auditConfig } from '../config';
import { csvHeader, csvRow } from '../export/csv';
import { toEntry } from '../history/entry';
import { CASE_ID } from '../http/dto';
import { auditKeyStore, AuditSources } from '../stores/audit-sources';
import { ProgressBar } from './progress';

export interface ReplayArgs {
  caseId: string;
  at?: string;
  format: 'json' | 'csv';
  out?: string;
  progress: boolean;
}

class UsageError extends Error {}

const USAGE = 'usage: replay --case <caseId> [--at <ISO instant>] [--format json|csv] [--out <file>] [--no-progress]';

export function parseArgs(argv: string[]): ReplayArgs {
  const values: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') continue;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(`unexpected argument "${arg}"\n${USAGE}`);
    const key = m[1] as string;
    if (key === 'no-progress' || key === 'help') values[key] = true;
    else if (m[2] !== undefined) values[key] = m[2];
    else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`--${key} needs a value\n${USAGE}`);
      values[key] = next;
      i++;
    }
  }
  if (values['help']) throw new UsageError(USAGE);
  const known = new Set(['case', 'at', 'format', 'out', 'no-progress']);
  for (const k of Object.keys(values)) if (!known.has(k)) throw new UsageError(`unknown option --${k}\n${USAGE}`);
  const caseId = values['case'];
  if (typeof caseId !== 'string' || !CASE_ID.test(caseId)) throw new UsageError(`--case <caseId> is required (letters, digits, _ . : -)\n${USAGE}`);
  const format = (values['format'] ?? 'json') as string;
  if (format !== 'json' && format !== 'csv') throw new UsageError(`--format must be json or csv\n${USAGE}`);
  let at: string | undefined;
  if (values['at'] !== undefined) {
    const parsed = Date.parse(String(values['at']));
    if (Number.isNaN(parsed)) throw new UsageError(`--at "${String(values['at'])}" is not an ISO 8601 date-time`);
    at = new Date(parsed).toISOString();
  }
  return { caseId, format, progress: !values['no-progress'], ...(at ? { at } : {}), ...(typeof values['out'] === 'string' ? { out: values['out'] } : {}) };
}

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Streams the merged history to `out`, folding it into the as-of summary as it goes. Returns the event count. */
export async function replayCase(sources: AuditSources, args: ReplayArgs, out: Writable, stderr: NodeJS.WriteStream = process.stderr): Promise<number> {
  const at = args.at ?? new Date().toISOString();
  const total = await sources.count(args.caseId, args.at);
  const bar = new ProgressBar(`replay ${args.caseId}`, total, stderr, args.progress);
  const replay = new CaseReplay(args.caseId);
  let n = 0;
  if (args.format === 'csv') await write(out, csvHeader());
  else await write(out, `{"caseId":${JSON.stringify(args.caseId)},"at":${JSON.stringify(at)},"stores":${JSON.stringify(sources.names)},"order":["recordedAt","source","globalPosition"],"entries":[\n`);
  bar.update(0, true);
  for await (const batch of sources.history(args.caseId, args.at ? { at: args.at } : {})) {
    let chunk = '';
    for (const e of batch) {
      replay.apply(e);
      n++;
      const entry = toEntry(e, n);
      chunk += args.format === 'csv' ? csvRow(entry) : `${n > 1 ? ',\n' : ''}${JSON.stringify(entry)}`;
    }
    await write(out, chunk);
    bar.update(n);
  }
  if (args.format === 'json') await write(out, `\n],"count":${n},"asOf":${JSON.stringify(replay.summary(at))}}\n`);
  bar.finish(n);
  return n;
}

async function main(): Promise<number> {
  let args: ReplayArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  const config = auditConfig();
  const sources = await AuditSources.open(config, await auditKeyStore());
  try {
    const out: Writable = args.out ? createWriteStream(args.out) : process.stdout;
    const n = await replayCase(sources, args, out);
    if (args.out) {
      (out as ReturnType<typeof createWriteStream>).end();
      await once(out, 'finish');
      console.error(`wrote ${n} events to ${args.out}`);
    }
    if (n === 0) console.error(`no event store holds any event of case ${args.caseId}${args.at ? ` recorded by ${args.at}` : ''}`);
    return 0;
  } finally {
    await sources.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
