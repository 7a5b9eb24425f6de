/**
 * The family's "Advice" page from what each advice service answered: every piece of advice the family may read now,
 * under a plain-English title, with who gave it and when, its sections, and whether it was changed or withdrawn.
 * No codes, no event names, no ISO dates (the template shows dates in words). Pure.
 */
import type { FamilyAdviceItem, FamilyAdviceSource } from './family-api';

/** What each kind of advice is called on the family's page (reg 6(1)). */
export const ADVICE_TITLES: Readonly<Record<string, string>> = {
  'parent-views': 'Your family’s views',
  educational: 'Advice from school or nursery',
  medical: 'Health advice',
  psychological: 'Advice from an educational psychologist',
  'social-care': 'Social care advice',
  'vision-hearing': 'Advice from a specialist teacher for vision or hearing',
  'preparing-for-adulthood': 'Advice on preparing for adult life',
  'requested-by-family': 'The advice you asked for',
  other: 'Other advice',
};

/** Who holds the advice a service could not give us just now, in words. */
export const SOURCE_WORDS: Readonly<Record<string, string>> = {
  'local-authority': 'the council',
  education: 'education services',
  health: 'health services',
  'social-care': 'social care services',
};

export interface AdvicePiece {
  id: string;
  title: string;
  who: string;
  givenOn: string;
  /** The day it was last changed, when it was changed after it was given. */
  changedOn?: string;
  withdrawnOn?: string;
  withdrawn: boolean;
  /** Why they can read it now, when it is not simply because the draft plan was sent. */
  note?: string;
  sections: Array<{ heading: string; text: string }>;
}

export interface AdvicePage {
  title: string;
  pieces: AdvicePiece[];
  /** Services that could not tell us their advice just now, in words. */
  unavailable: string[];
}

const NOTES: Partial<Record<FamilyAdviceItem['shownBecause'], string>> = {
  'advice-shared-early': 'The council shared this with you before the draft plan.',
};

function pieceOf(a: FamilyAdviceItem, n: number): AdvicePiece {
  const withdrawn = a.status === 'withdrawn';
  return {
    id: `advice-${n + 1}`,
    title: ADVICE_TITLES[a.adviceType] ?? 'Advice',
    who: a.byFamily ? 'Given by your family' : a.adviceType === 'parent-views' ? 'Recorded by the council' : `From ${a.organisationName || 'an adviser'}`,
    givenOn: a.givenOn,
    ...(a.status === 'corrected' && a.updatedOn !== a.givenOn ? { changedOn: a.updatedOn } : {}),
    ...(withdrawn && a.withdrawnOn ? { withdrawnOn: a.withdrawnOn } : {}),
    withdrawn,
    ...(NOTES[a.shownBecause] ? { note: NOTES[a.shownBecause] } : {}),
    sections: withdrawn ? [] : a.sections,
  };
}

/** The page for the services' answers: the pieces oldest first, then by title. */
export function advicePage(sources: readonly FamilyAdviceSource[]): AdvicePage {
  const all = sources.flatMap((s) => (s.ok ? s.advice : []));
  all.sort((a, b) => a.givenOn.localeCompare(b.givenOn) || (ADVICE_TITLES[a.adviceType] ?? '').localeCompare(ADVICE_TITLES[b.adviceType] ?? '') || a.adviceId.localeCompare(b.adviceId));
  const unavailable = sources.filter((s) => !s.ok).map((s) => SOURCE_WORDS[s.source] ?? 'another service');
  return { title: 'Advice about your child', pieces: all.map(pieceOf), unavailable };
}
