/**
 * The "Your plan" page's content from the case service's answer: each section A-K under a heading in plain English,
 * the needs numbered so outcomes and help can say which need they are for, and for a draft the last day for comments.
 * Pure.
 */
import type { FamilyPlanAnswer, FamilyPlanSection } from './family-api';

/** reg 12(1)(a)-(k) in plain English, in the plan's order. */
export const SECTION_HEADINGS: ReadonlyArray<{ section: string; heading: string; about: string }> = [
  { section: 'A', heading: 'Views, interests and hopes', about: 'What matters to your child and your family, and what they hope for' },
  { section: 'B', heading: 'Special educational needs', about: 'What your child needs help with to learn' },
  { section: 'C', heading: 'Health needs', about: 'Health needs that relate to their special educational needs' },
  { section: 'D', heading: 'Social care needs', about: 'Care and support needs that relate to their special educational needs' },
  { section: 'E', heading: 'Outcomes', about: 'What the help should achieve' },
  { section: 'F', heading: 'Help with learning', about: 'The special educational provision your child must get' },
  { section: 'G', heading: 'Health help', about: 'The health provision the NHS must arrange' },
  { section: 'H1', heading: 'Social care help (disabled children)', about: 'Care and support under the Chronically Sick and Disabled Persons Act 1970' },
  { section: 'H2', heading: 'Other social care help', about: 'Any other care and support your child needs' },
  { section: 'I', heading: 'School or college', about: 'The school or college, or type of school, named in the plan' },
  { section: 'J', heading: 'Personal budget', about: 'Money you can have a say in spending on some of the help' },
  { section: 'K', heading: 'Advice used to write the plan', about: 'The advice and information the council gathered' },
];

const SETTING_TYPES: Record<string, string> = {
  mainstream: 'Mainstream school or college', 'resourced-provision': 'Mainstream school with a specialist unit', special: 'Special school',
  'independent-special': 'Independent special school', 'post-16': 'College or other post-16 provider', 'early-years': 'Nursery or other early years setting',
  'education-otherwise': 'Education other than at school', other: 'Another kind of school or setting',
};

export interface PlanPageSection {
  section: string;
  id: string;
  heading: string;
  about: string;
  text?: string;
  items: Array<{ label: string; text: string; forNeeds?: string }>;
  lines: string[];
  empty: boolean;
}

export interface PlanPage {
  title: string;
  stage: 'none' | 'draft' | 'final' | 'amended';
  issuedOn?: string;
  draft?: { commentsDueOn: string; openForComments: boolean; responded: boolean; respondedOn?: string };
  sections: PlanPageSection[];
}

const TITLES = { none: 'Your plan', draft: 'Your draft plan', final: 'Your plan', amended: 'Your plan (amended)' } as const;

/** The page for the case service's answer. Needs are numbered across B, C and D in order ("Need 1", ...). */
export function planPage(answer: FamilyPlanAnswer): PlanPage {
  const plan = answer.plan;
  if (!plan) return { title: TITLES.none, stage: 'none', sections: [] };
  const bySection = new Map(plan.sections.map((s) => [s.section, s]));
  const needLabels = new Map<string, string>();
  for (const letter of ['B', 'C', 'D']) for (const item of bySection.get(letter)?.items ?? []) needLabels.set(item.itemId, `need ${needLabels.size + 1}`);
  return {
    title: TITLES[plan.stage], stage: plan.stage, issuedOn: plan.issuedOn, ...(plan.draft ? { draft: plan.draft } : {}),
    sections: SECTION_HEADINGS.map((h) => sectionOf(h, bySection.get(h.section), needLabels, plan.stage)),
  };
}

function sectionOf(h: (typeof SECTION_HEADINGS)[number], s: FamilyPlanSection | undefined, needLabels: Map<string, string>, stage: string): PlanPageSection {
  const isNeeds = ['B', 'C', 'D'].includes(h.section);
  const items = (s?.items ?? []).map((i, n) => {
    const forNeeds = (i.needIds ?? []).map((id) => needLabels.get(id)).filter((l): l is string => Boolean(l));
    const label = isNeeds ? capitalise(needLabels.get(i.itemId) ?? `need ${n + 1}`) : `${n + 1}.`;
    return { label, text: i.text, ...(forNeeds.length ? { forNeeds: `For ${forNeeds.join(', ')}` } : {}) };
  });
  const lines: string[] = [];
  // by name; a school the directory does not know is what it is with its reference, never a bare code
  if (s?.settingRef) lines.push(`School or college: ${capitalise(s.settingName ?? `a school or college (reference ${s.settingRef})`)}`);
  if (s?.settingType) lines.push(`Type: ${SETTING_TYPES[s.settingType] ?? s.settingType}`);
  if (h.section === 'I' && stage === 'draft' && !s?.settingRef) lines.push('A draft plan does not name a school or college. Tell the council which one you want in your reply.');
  if (s?.adviceIds?.length) lines.push(s.adviceIds.length === 1 ? '1 piece of advice is listed.' : `${s.adviceIds.length} pieces of advice are listed.`);
  const empty = !s?.text && !items.length && !lines.length;
  return { section: h.section, id: `section-${h.section.toLowerCase()}`, heading: h.heading, about: h.about, ...(s?.text ? { text: s.text } : {}), items, lines, empty };
}

const capitalise = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
