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
