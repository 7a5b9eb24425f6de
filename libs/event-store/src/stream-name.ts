import { CategoryNotAllowedError, InvalidStreamNameError } from './errors';

/**
 * Stream name grammar: `<category>-<id>`
 *   category: a lowercase letter, then lowercase letters, digits or `_` (max 50), e.g. `case`, `ehc_plan`
 *   id:       a letter or digit, then letters, digits, `_`, `.`, `:` or `-` (max 200), e.g. a UUID
 * The category is everything before the FIRST `-`, so ids may contain dashes. `$` (EventStoreDB system streams),
 * whitespace and uppercase categories are rejected.
 */
export const STREAM_NAME_PATTERN = /^([a-z][a-z0-9_]{0,49})-([A-Za-z0-9][A-Za-z0-9_.:-]{0,199})$/;
export const CATEGORY_PATTERN = /^[a-z][a-z0-9_]{0,49}$/;

export interface ParsedStreamName {
  category: string;
  id: string;
}

export function parseStreamName(streamName: unknown): ParsedStreamName {
  if (typeof streamName !== 'string') throw new InvalidStreamNameError(streamName, 'must be a string');
  if (streamName.length === 0) throw new InvalidStreamNameError(streamName, 'must not be empty');
  const match = STREAM_NAME_PATTERN.exec(streamName);
  if (!match) {
    throw new InvalidStreamNameError(
      streamName,
      'must be `<category>-<id>`: a lowercase category ([a-z][a-z0-9_]*, up to 50), a dash, and an id ([A-Za-z0-9][A-Za-z0-9_.:-]*, up to 200)',
    );
  }
  return { category: match[1] as string, id: match[2] as string };
}

export function assertCategory(category: unknown): asserts category is string {
  if (typeof category !== 'string' || !CATEGORY_PATTERN.test(category)) {
    throw new InvalidStreamNameError(category, 'category must match [a-z][a-z0-9_]{0,49}');
  }
}

/** Throws unless the stream's category is one the store may write (no restriction when `allowed` is undefined). */
export function assertWritableStream(streamName: string, allowed: readonly string[] | undefined): ParsedStreamName {
  const parsed = parseStreamName(streamName);
  if (allowed && !allowed.includes(parsed.category)) throw new CategoryNotAllowedError(streamName, parsed.category, allowed);
  return parsed;
}
