/**
 * Which fields of which event types are personal data and are stored encrypted. Everything else in an event is
 * structure (ids, dates, codes, section headings, opaque references) and stays in clear, so the statutory clock,
 * the timeline and the audit keep working without any key.
 *
 * A path is dot-separated; `[]` maps over an array: `sections[].text` is the text of every section.
 */
export const PERSONAL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  // the child's personal details on the request for an assessment (DOMAIN.md "Data protection")
  'ehc.request-received.v1': ['child.dateOfBirth', 'child.name', 'child.nhsNumber'],
  // advice: what the agency wrote about the child, and why it corrected or withdrew it
  'advice.submitted.v1': ['sections[].text'],
  'advice.corrected.v1': ['sections[].text', 'reason'],
  'advice.withdrawn.v1': ['reason'],
  // the plan's contents (reg 12) and the reasons of personal budget decisions: what the LA wrote about the child
  'ehc.plan-contents-recorded.v1': ['sections[].text', 'sections[].items[].text'],
  'ehc.personal-budget-decided.v1': ['reasons', 'directPaymentRefusal.reasons'],
  'ehc.personal-budget-reviewed.v1': ['reasons'],
  // transfers of responsibility: the free-text reasons and notes
  'transfer.requested.v1': ['reason'],
  'transfer.accepted.v1': ['note'],
  'transfer.declined.v1': ['reason'],
  'transfer.cancelled.v1': ['reason'],
  // the family on the case (issue #21): how to reach an invited family member; why a young person lacks capacity
  'ehc.family-member-invited.v1': ['contact.name', 'contact.email', 'contact.phone'],
  'ehc.young-person-rights-recorded.v1': ['capacityException'],
  'ehc.family-advice-asked.v1': ['adviser.name'],
  'ehc.family-response-received.v1': ['comments'],
  'ehc.early-review-declined.v1': ['reasons'],
  // agencies' own records
  'education.graduated-response-step-recorded.v1': ['summary'],
  'health.commissioning-body-recorded.v1': ['reason'],
};

export const hasPersonalFields = (type: string): boolean => Object.prototype.hasOwnProperty.call(PERSONAL_FIELDS, type);

type Json = unknown;

function mapPath(value: Json, segments: readonly string[], fn: (v: Json) => Json): Json {
  if (segments.length === 0) return value === undefined ? value : fn(value);
  const [head, ...rest] = segments;
  const isArray = head.endsWith('[]');
  const key = isArray ? head.slice(0, -2) : head;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const obj = value as Record<string, Json>;
  if (!Object.prototype.hasOwnProperty.call(obj, key) || obj[key] === undefined) return value;
  const inner = obj[key];
  const mapped = isArray ? (Array.isArray(inner) ? inner.map((item) => mapPath(item, rest, fn)) : inner) : mapPath(inner, rest, fn);
  return { ...obj, [key]: mapped };
}

/**
 * A copy of `data` with `fn` applied to every personal field of `type` that is present (absent and `undefined`
 * fields stay absent). The input is never changed. Types without personal fields come back as they are.
 */
export function mapPersonalFields<T>(type: string, data: T, fn: (value: unknown, path: string) => unknown): T {
  const paths = PERSONAL_FIELDS[type];
  if (!paths) return data;
  let out: Json = data;
  for (const path of paths) out = mapPath(out, path.split('.'), (v) => fn(v, path));
  return out as T;
}

/** Every personal field value present in `data` (for tests and checks). */
export function personalFieldValues(type: string, data: unknown): unknown[] {
  const values: unknown[] = [];
  mapPersonalFields(type, data, (v) => {
    values.push(v);
    return v;
  });
  return values;
}
