import { RecentMemberships, membershipCacheMs } from './recent-memberships';

describe('memberships remembered for a few seconds (RecentMemberships)', () => {
  let now = 0;
  const clock = () => now;

  it('given a membership seen, when asked again within its time, then it is known without the database', () => {
    now = 1_000;
    const seen = new RecentMemberships(5_000, 10, clock);
    seen.add('case-1', 'org-a');
    now = 5_999;
    expect(seen.has('case-1', 'org-a')).toBe(true);
    expect(seen.has('case-1', 'org-b')).toBe(false);
    expect(seen.has('case-2', 'org-a')).toBe(false);
  });

  it('given a membership seen, when its time is up, then it must be asked again', () => {
    now = 1_000;
    const seen = new RecentMemberships(5_000, 10, clock);
    seen.add('case-1', 'org-a');
    now = 6_000;
    expect(seen.has('case-1', 'org-a')).toBe(false);
  });

  it('given a full cache, when one more is seen, then the one seen longest ago is forgotten first', () => {
    now = 0;
    const seen = new RecentMemberships(5_000, 2, clock);
    seen.add('case-1', 'org-a');
    seen.add('case-2', 'org-a');
    seen.add('case-1', 'org-a'); // seen again: now the most recent
    seen.add('case-3', 'org-a');
    expect([seen.has('case-1', 'org-a'), seen.has('case-2', 'org-a'), seen.has('case-3', 'org-a')]).toEqual([true, false, true]);
  });

  it('given a time of 0, when a membership is seen, then nothing is remembered (every read asks the database)', () => {
    const seen = new RecentMemberships(0, 10, clock);
    seen.add('case-1', 'org-a');
    expect(seen.has('case-1', 'org-a')).toBe(false);
  });

  it('reads its time from TIMELINE_MEMBERSHIP_CACHE_MS: 5 s by default, 0 or nonsense switches it off', () => {
    expect(membershipCacheMs({})).toBe(5_000);
    expect(membershipCacheMs({ TIMELINE_MEMBERSHIP_CACHE_MS: '2000' })).toBe(2_000);
    expect(membershipCacheMs({ TIMELINE_MEMBERSHIP_CACHE_MS: '0' })).toBe(0);
    expect(membershipCacheMs({ TIMELINE_MEMBERSHIP_CACHE_MS: 'soon' })).toBe(0);
  });
});
