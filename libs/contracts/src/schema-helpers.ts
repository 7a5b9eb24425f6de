import type { JsonSchema } from './json-schema';

/** An object schema: `required` fields must be present; no unknown fields are allowed. */
export function object(required: Record<string, JsonSchema>, optional: Record<string, JsonSchema> = {}, description?: string): JsonSchema {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    properties: { ...required, ...optional },
    required: Object.keys(required),
    additionalProperties: false,
  };
}

export const uuid = (description: string): JsonSchema => ({ type: 'string', format: 'uuid', description });
export const text = (description: string, maxLength = 10_000): JsonSchema => ({ type: 'string', minLength: 1, maxLength, description });
export const dateTime = (description: string): JsonSchema => ({ type: 'string', format: 'date-time', description });
export const date = (description: string): JsonSchema => ({ type: 'string', format: 'date', description });
export const oneOf = (values: readonly string[], description: string): JsonSchema => ({ type: 'string', enum: values, description });
export const integer = (description: string, minimum?: number): JsonSchema => ({ type: 'integer', description, ...(minimum === undefined ? {} : { minimum }) });
export const arrayOf = (items: JsonSchema, description: string, minItems?: number): JsonSchema => ({ type: 'array', items, description, ...(minItems === undefined ? {} : { minItems }) });

// ---- typed builders: a schema that must list exactly the fields of a TypeScript type ---------------------------------

/** One property of a `shapeOf<T>()` schema; `optional` must match the TypeScript type (checked by the compiler). */
export interface Field<Optional extends boolean = boolean> {
  schema: JsonSchema;
  optional: Optional;
}
/** A field the type requires. */
export const req = (schema: JsonSchema): Field<false> => ({ schema, optional: false });
/** A field the type marks optional (`?`). */
export const opt = (schema: JsonSchema): Field<true> => ({ schema, optional: true });

/** `true` for the keys of T declared with `?`. */
type IsOptional<T, K extends keyof T> = object extends Pick<T, K> ? true : false;
/** Exactly the keys of T, each required or optional exactly as T declares it. */
export type FieldsOf<T> = { [K in keyof T]-?: Field<IsOptional<T, K>> };

/**
 * The JSON Schema of an object type T. The compiler rejects a missing field, an extra field, and a required field
 * marked optional (or the reverse), so a change to T's fields breaks the build until the schema follows.
 * No other fields are allowed (`additionalProperties: false`).
 */
export function shapeOf<T>(fields: FieldsOf<T>, description?: string): JsonSchema {
  const entries = Object.entries(fields) as Array<[string, Field]>;
  return {
    type: 'object',
    ...(description ? { description } : {}),
    properties: Object.fromEntries(entries.map(([k, f]) => [k, f.schema])),
    required: entries.filter(([, f]) => !f.optional).map(([k]) => k),
    additionalProperties: false,
  };
}

/** Members of the union T missing from the tuple A (never when A lists them all). */
type MissingMembers<T, A extends readonly unknown[]> = Exclude<T, A[number]>;

/**
 * An enum schema for a string union that has no exported const array: the compiler rejects a value outside T and
 * a list that misses a member of T. Usage: `allOf<ReviewDecision>()(['maintain', 'amend', 'cease'], '...')`.
 */
export function allOf<T extends string>() {
  return <const A extends readonly T[]>(
    values: A & ([MissingMembers<T, A>] extends [never] ? unknown : { missing: MissingMembers<T, A> }),
    description: string,
  ): JsonSchema => ({ type: 'string', enum: values, description });
}

/** A non-empty opaque identifier (the domains reject blank ids). */
export const id = (description: string): JsonSchema => ({ type: 'string', minLength: 1, description });
/** A free string (the domain does not constrain it). */
export const str = (description: string): JsonSchema => ({ type: 'string', description });
/** A calendar date `YYYY-MM-DD` (the domains' `IsoDate`; JSON Schema `format: date`, RFC 3339 full-date). */
export const isoDate = (description: string): JsonSchema => ({ type: 'string', format: 'date', description });
export const bool = (description: string): JsonSchema => ({ type: 'boolean', description });
/** A boolean that is always `true` (e.g. the reg 6(4) agreement flags). */
export const alwaysTrue = (description: string): JsonSchema => ({ type: 'boolean', enum: [true], description });

/**
 * Said of every personal field: on the wire it is an envelope string, never clear text (`@tio/personal-data`).
 */
export const ENCRYPTED =
  '— personal data: stored and published only as the envelope "$enc:tio-aes-256-gcm/v1:<kid>:<iv>:<ct>:<tag>" (AES-256-GCM with the case\'s data key; ' +
  'the services that hold the key decrypt it, and after erasure the key is destroyed and it reads as "[erased]").';
