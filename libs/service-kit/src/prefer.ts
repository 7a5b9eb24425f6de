import { ApiHeader } from '@nestjs/swagger';

/**
 * The `Prefer` request header (RFC 7240): what a client would like, which a server may honour or ignore. A service
 * that honours one says so in `Preference-Applied`.
 */
export const PREFER = 'Prefer';
export const PREFERENCE_APPLIED = 'Preference-Applied';

/**
 * The preferences of a `Prefer` header, by lower-case name, each with its value ('' when it has none). Names are
 * case-insensitive; a quoted value is unquoted; parameters after `;` are dropped (no preference here takes any); a
 * preference named more than once counts once, as first given (RFC 7240 section 2). Several header lines, joined
 * with commas as Node joins them, read as one list.
 */
export function preferencesOf(header: string | string[] | undefined): Map<string, string> {
  const preferences = new Map<string, string>();
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const item of splitOutsideQuotes(text, ',')) {
    const [preference] = splitOutsideQuotes(item, ';');
    const eq = preference.indexOf('=');
    const name = (eq === -1 ? preference : preference.slice(0, eq)).trim().toLowerCase();
    if (!name || preferences.has(name)) continue;
    preferences.set(name, eq === -1 ? '' : unquote(preference.slice(eq + 1).trim()));
  }
  return preferences;
}

/** `return=minimal` asked (RFC 7240 section 4.2): the client needs only to know the write succeeded, not the resource. */
export function prefersMinimalReturn(req: { headers: Record<string, string | string[] | undefined> }): boolean {
  return preferencesOf(req.headers['prefer']).get('return')?.toLowerCase() === 'minimal';
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function unquote(word: string): string {
  return word.length >= 2 && word.startsWith('"') && word.endsWith('"') ? word.slice(1, -1).replace(/\\(.)/g, '$1') : word;
}

/** Documents `Prefer: return=minimal` on a write whose answer can leave out what the client can read elsewhere. */
export function ApiPreferMinimalReturn(leftOut: string): MethodDecorator & ClassDecorator {
  return ApiHeader({
    name: PREFER,
    required: false,
    description: `Optional, RFC 7240: \`return=minimal\` answers without ${leftOut} (the answer then carries \`${PREFERENCE_APPLIED}: return=minimal\`); anything else is ignored.`,
    schema: { type: 'string', example: 'return=minimal' },
  }) as MethodDecorator & ClassDecorator;
}
