import { dayOfWeek, isIsoDate, type IsoDate } from '../calendar';
import type { FamilyRelationship, ParentAccess } from './family-events';
import type { EhcCaseState } from './state';

/**
 * The last day of compulsory school age for a child born on `dateOfBirth`: the school leaving date, the last Friday
 * in June, of the school year (1 September - 31 August) in which they turn 16 (Education Act 1996 s.8(3)-(4); the
 * Education (School Leaving Date) Order 1997). This holds whether the 16th birthday falls before that Friday or after
 * it in July or August (s.8(3)(a)). A child born on 29 February counts its birthday on 28 February in a common year;
 * only the year and month matter here.
 */
export function compulsorySchoolAgeEnds(dateOfBirth: IsoDate): IsoDate {
  const [y, m] = dateOfBirth.split('-').map(Number);
  const year = m >= 9 ? y + 17 : y + 16;
  const june30 = `${year}-06-30`;
  const back = (dayOfWeek(june30) - 5 + 7) % 7;
  return `${year}-06-${String(30 - back).padStart(2, '0')}`;
}

/**
 * CFA 2014 s.83(2): a "young person" is over compulsory school age (and under 25); from then on s.80 gives the
 * rights to make requests and decisions to the young person rather than the parent. DOMAIN.md says "young person
 * (16-25)"; the exact day is the one after the school leaving date of the school year in which they turn 16.
 */
export function overCompulsorySchoolAge(dateOfBirth: IsoDate, day: IsoDate): boolean {
  return day > compulsorySchoolAgeEnds(dateOfBirth);
}

export interface YoungPersonRights {
  holdsRights: boolean;
  /** What parents and carers may do while the young person holds the rights. */
  parentAccess: ParentAccess;
  capacityException?: string;
  why: string;
}

/**
 * Who holds the rights on `today`. As recorded, except that a young person recorded as not holding them only because
 * they were under compulsory school age holds them by law once over it (s.80 needs no recording); their choice for
 * their parents is then unknown and parents may see but not act until the LA records it. Without a date of birth and
 * without a record, the parent acts.
 */
export function youngPersonRightsOf(state: EhcCaseState, today: IsoDate): YoungPersonRights {
  const recorded = state.family?.youngPersonRights;
  if (recorded?.capacityException && !recorded.holdsRights) {
    return { holdsRights: false, parentAccess: 'see-and-act', capacityException: recorded.capacityException, why: `the young person lacks capacity (${recorded.capacityException}), so their parent acts for them (Mental Capacity Act 2005; SEND Regs 2014 reg 64)` };
  }
  if (recorded?.holdsRights) return { holdsRights: true, parentAccess: recorded.parentAccess, why: `the young person holds the rights (CFA 2014 s.80) and chose "${recorded.parentAccess}" for their parents` };
  const dob = state.child?.dateOfBirth;
  if (isIsoDate(dob) && overCompulsorySchoolAge(dob, today)) {
    return { holdsRights: true, parentAccess: 'see-only', why: `the young person is over compulsory school age (since ${compulsorySchoolAgeEnds(dob)}) and holds the rights (CFA 2014 s.80); their choice for their parents is not recorded yet, so parents may see but not act` };
  }
  return { holdsRights: false, parentAccess: 'see-and-act', why: 'the child is of compulsory school age (or their age is not known): the parent makes the requests and decisions' };
}

export interface FamilyAccess {
  see: boolean;
  act: boolean;
  relationship?: FamilyRelationship;
  why: string;
}

/**
 * What the family member `subject` (their identity provider's `sub`) may do on the case on `today`: see it, and act
 * on it (give views, respond to the draft, make requests). Only members linked through an invitation have any access;
 * an unlinked member, or someone holding only an unused invitation, has none. A young person sees their case and acts
 * once they hold the rights; before that (or lacking capacity) their parent acts. A parent or carer acts while the
 * young person does not hold the rights, and after that follows the young person's choice.
 */
export function familyAccessOf(state: EhcCaseState, subject: string, today: IsoDate): FamilyAccess {
  const member = state.family?.members[subject];
  if (!member) {
    const unlinked = state.family?.unlinked.filter((u) => u.subject === subject).at(-1);
    return { see: false, act: false, why: unlinked ? `unlinked from the case on ${unlinked.unlinkedOn} (${unlinked.reason})` : 'not linked to this case' };
  }
  const rights = youngPersonRightsOf(state, today);
  const relationship = member.relationship;
  if (relationship === 'young-person') {
    return rights.holdsRights
      ? { see: true, act: true, relationship, why: rights.why }
      : { see: true, act: false, relationship, why: `${rights.why}; the young person sees the case` };
  }
  if (!rights.holdsRights) return { see: true, act: true, relationship, why: rights.why };
  const see = rights.parentAccess !== 'none';
  const act = rights.parentAccess === 'see-and-act';
  return { see, act, relationship, why: rights.why };
}
