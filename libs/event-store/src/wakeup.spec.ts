import { Wakeup, type Appended } from './wakeup';

const woken = async (sleep: { promise: Promise<void> }, withinMs = 50): Promise<boolean> =>
  Promise.race([sleep.promise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), withinMs))]);

describe('Wakeup', () => {
  it('Given listeners of two categories and of all, When a case append is announced, Then the case and all listeners hear it, the advice listener does not', () => {
    const wakeup = new Wakeup();
    const heard: Record<string, Appended[]> = { case: [], advice: [], all: [] };
    wakeup.listen((a) => heard['case'].push(a), 'case');
    wakeup.listen((a) => heard['advice'].push(a), 'advice');
    wakeup.listen((a) => heard['all'].push(a));
    wakeup.notify({ category: 'case', position: 7n });
    expect(heard).toEqual({ case: [{ category: 'case', position: 7n }], advice: [], all: [{ category: 'case', position: 7n }] });
    wakeup.notify(); // category not known: concerns everyone
    expect([heard['case'].length, heard['advice'].length, heard['all'].length]).toEqual([2, 1, 2]);
  });

  it('Given a reader asleep after position 10, When positions up to 10 or another category are announced, Then it sleeps on; When 11 is, Then it wakes', async () => {
    const wakeup = new Wakeup();
    const sleep = wakeup.wait(10_000, { category: 'case', after: 10n });
    wakeup.notify({ category: 'case', position: 10n });
    wakeup.notify({ category: 'advice', position: 12n });
    expect(await woken(sleep)).toBe(false);
    wakeup.notify({ category: 'case', position: 11n });
    expect(await woken(sleep)).toBe(true);
  });

  it('Given a mark taken before a read, When an announcement beyond what the read returned came meanwhile, Then wait returns at once; one the read covered, Then it sleeps', async () => {
    const wakeup = new Wakeup();
    const mark = wakeup.mark('case');
    wakeup.notify({ category: 'case', position: 5n }); // during the read
    expect(await woken(wakeup.wait(10_000, { category: 'case', after: 4n }, mark))).toBe(true); // the read stopped at 4
    const covered = wakeup.wait(10_000, { category: 'case', after: 5n }, mark); // the read returned 5
    expect(await woken(covered)).toBe(false);
    covered.cancel();
    const other = wakeup.mark('case');
    wakeup.notify({ category: 'advice', position: 9n });
    const asleep = wakeup.wait(10_000, { category: 'case', after: 5n }, other);
    expect(await woken(asleep)).toBe(false);
    asleep.cancel();
    wakeup.notify(); // no category, no position: never slept through
    expect(await woken(wakeup.wait(10_000, { category: 'case', after: 5n }, other))).toBe(true);
  });

  it('Given a sleeper, When nothing is announced, Then the timeout ends its sleep', async () => {
    const wakeup = new Wakeup();
    expect(await woken(wakeup.wait(5, { category: 'case' }), 200)).toBe(true);
  });
});
