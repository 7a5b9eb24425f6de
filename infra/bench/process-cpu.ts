/**
 * CPU seconds (utime + stime from /proc/<pid>/stat) of groups of processes over a window, for benchmarks that charge
 * a whole pipeline's CPU to its events: the Node processes a bench started, and the PostgreSQL and Kafka processes it
 * shares. PostgreSQL forks a backend per connection, so the backends are found again on every sample (children of the
 * postmaster), each charged to the database its process title names (`postgres: <user> <database> <host> ...`); a
 * backend that exits inside the window keeps the time of its last sample (samples every SAMPLE_MS).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const TICKS = 100; // USER_HZ: /proc/<pid>/stat times are in clock ticks
const SAMPLE_MS = 500;

interface Stat { ppid: number; seconds: number }

function stat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    return { ppid: Number(fields[1]), seconds: (Number(fields[11]) + Number(fields[12])) / TICKS }; // ppid (4), utime (14), stime (15)
  } catch {
    return undefined; // gone
  }
}

/** utime + stime of one process, in seconds (NaN once it is gone). */
export function cpuSeconds(pid: number | undefined): number {
  return pid === undefined ? NaN : (stat(pid)?.seconds ?? NaN);
}

const pids = () => readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);

/** The process listening on a local TCP port (the postmaster of a DATABASE_URL, the broker of KAFKA_BROKERS). */
export function listenerPid(port: number): number | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hex}`) && cols[3] === '0A') inodes.add(cols[9] as string); // 0A = LISTEN
    }
  }
  if (inodes.size === 0) return undefined;
  for (const pid of pids()) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1] as string)) return pid;
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}

/** Which group a PostgreSQL child belongs to: `pg:<database>` for a backend, `pg:background` for the rest. */
function postgresGroup(pid: number): string {
  try {
    const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    const m = /^postgres: \S+ (\S+) (?:[\d.]+\(\d+\)|\[local\]|[\da-f:]+\(\d+\)|localhost\(\d+\))/.exec(title); // user, database, client address
    return m ? `pg:${m[1]}` : 'pg:background';
  } catch {
    return 'pg:background';
  }
}

export interface MeterTargets {
  /** Processes by group name (a service, a raw pipeline process, the Kafka broker). */
  processes: Record<string, number | undefined>;
  /** The postmaster: itself and its children are sampled as `pg:<database>` and `pg:background`. */
  postmaster?: number;
}

/** Samples the targets until `stop()`, then answers the CPU seconds each group used in the window. */
export class CpuMeter {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, { group: string; seconds: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly targets: MeterTargets) {
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), SAMPLE_MS);
  }

  private sample(initial: boolean): void {
    const seen: [number, string][] = Object.entries(this.targets.processes).filter(([, pid]) => pid !== undefined).map(([group, pid]) => [pid as number, group]);
    const postmaster = this.targets.postmaster;
    if (postmaster !== undefined) {
      seen.push([postmaster, 'pg:background']);
      for (const pid of pids()) if (stat(pid)?.ppid === postmaster) seen.push([pid, this.last.get(pid)?.group ?? postgresGroup(pid)]);
    }
    for (const [pid, group] of seen) {
      const s = stat(pid);
      if (!s) continue;
      if (initial) this.first.set(pid, s.seconds);
      else if (!this.first.has(pid)) this.first.set(pid, 0); // born inside the window
      this.last.set(pid, { group, seconds: s.seconds });
    }
  }

  stop(): Record<string, number> {
    clearInterval(this.timer);
    this.sample(false);
    const groups: Record<string, number> = {};
    for (const [pid, { group, seconds }] of this.last) groups[group] = (groups[group] ?? 0) + seconds - (this.first.get(pid) ?? seconds);
    return groups;
  }
}
