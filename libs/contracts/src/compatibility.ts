import type { JsonSchema } from './json-schema';

/**
 * Compares a published version's payload schema with its current definition. A published `...vN` type may only
 * gain optional fields, enum values or looser limits; anything that would break a consumer reading old or new
 * messages, or a producer sending valid old messages, is reported.
 */
export function findIncompatibilities(published: JsonSchema, current: JsonSchema, path = '$'): string[] {
  const problems: string[] = [];
  if (published.type !== current.type) {
    problems.push(`${path}: type changed from ${published.type ?? 'any'} to ${current.type ?? 'any'}`);
    return problems;
  }
  if (published.format !== current.format) problems.push(`${path}: format changed from ${published.format ?? 'none'} to ${current.format ?? 'none'}`);
  if (published.pattern !== current.pattern) problems.push(`${path}: pattern changed`);
  if (published.enum) {
    const now = new Set(current.enum ?? []);
    if (!current.enum) problems.push(`${path}: enum removed`);
    else for (const v of published.enum) if (!now.has(v)) problems.push(`${path}: enum value ${JSON.stringify(v)} removed`);
  } else if (current.enum) {
    problems.push(`${path}: enum restriction added`);
  }
  const tighter = (name: keyof JsonSchema, isTighter: (was: number, now: number) => boolean) => {
    const was = published[name] as number | undefined;
    const now = current[name] as number | undefined;
    if (now !== undefined && (was === undefined || isTighter(was, now))) problems.push(`${path}: ${name} tightened from ${was ?? 'none'} to ${now}`);
  };
  tighter('minLength', (was, now) => now > was);
  tighter('maxLength', (was, now) => now < was);
  tighter('minimum', (was, now) => now > was);
  tighter('maximum', (was, now) => now < was);
  tighter('minItems', (was, now) => now > was);

  if (published.type === 'object') {
    const wasRequired = new Set(published.required ?? []);
    const nowRequired = new Set(current.required ?? []);
    for (const field of wasRequired) if (!nowRequired.has(field)) problems.push(`${path}.${field}: required field is no longer required (or was removed/renamed)`);
    for (const field of nowRequired) if (!wasRequired.has(field)) problems.push(`${path}.${field}: new required field`);
    for (const [field, schema] of Object.entries(published.properties ?? {})) {
      const now = current.properties?.[field];
      if (!now) problems.push(`${path}.${field}: field removed or renamed`);
      else problems.push(...findIncompatibilities(schema, now, `${path}.${field}`));
    }
    if (published.additionalProperties !== false && current.additionalProperties === false) problems.push(`${path}: additional properties no longer allowed`);
  }
  if (published.type === 'array' && published.items) {
    if (!current.items) problems.push(`${path}[]: item schema removed`);
    else problems.push(...findIncompatibilities(published.items, current.items, `${path}[]`));
  }
  return problems;
}
