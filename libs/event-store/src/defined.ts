/** Narrows away `undefined` where the logic guarantees a value; throws (a bug) if it is ever wrong. */
export function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`event-store internal error: ${what} is missing`);
  return value;
}
