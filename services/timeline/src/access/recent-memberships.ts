/** How long a membership seen in the read model is taken as still there without asking again (ms; 0: always ask). */
export const MEMBERSHIP_CACHE_MS_DEFAULT = 5_000;

export function membershipCacheMs(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env['TIMELINE_MEMBERSHIP_CACHE_MS'] ?? MEMBERSHIP_CACHE_MS_DEFAULT);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/**
 * Organisations seen lately to be members of cases. The read model only ever adds members (`case_members` rows are
 * inserted, never deleted, outside a rebuild), so a membership seen a moment ago still holds; it is asked again once
 * older than `ttlMs`. Only memberships are remembered, never their absence: a refusal is always decided afresh.
 */
export class RecentMemberships {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  has(caseId: string, organisationId: string): boolean {
    const key = `${caseId}\0${organisationId}`;
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (this.now() < until) return true;
    this.until.delete(key);
    return false;
  }

  add(caseId: string, organisationId: string): void {
    if (this.ttlMs <= 0) return;
    const key = `${caseId}\0${organisationId}`;
    this.until.delete(key); // re-inserted last: the oldest entry is the first one forgotten
    this.until.set(key, this.now() + this.ttlMs);
    if (this.until.size > this.max) this.until.delete(this.until.keys().next().value as string);
  }
}
