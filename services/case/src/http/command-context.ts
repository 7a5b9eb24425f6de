import { londonDateOf } from '@tio/ehc-domain';

/** The date a step happened: as given, or today in England. */
export function stepDate(at: string | undefined, now: Date = new Date()): string {
  return at ?? londonDateOf(now);
}
