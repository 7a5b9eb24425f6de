import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { jsonDepthExceeds } from '@tio/event-store';

/** Payloads nested deeper than this are refused before class-transformer (recursive) sees them. */
export const MAX_INBOUND_DEPTH = 32;

export interface InboundFieldError {
  /** Dotted path, e.g. `sections[0].text`. */
  field: string;
  /** The broken constraints by name (e.g. `isUUID`) with class-validator's message. */
  constraints: Record<string, string>;
}

export type InboundValidation<T> = { valid: true; value: T } | { valid: false; errors: InboundFieldError[]; reason: string };

function flatten(errors: ValidationError[], parent = ''): InboundFieldError[] {
  const out: InboundFieldError[] = [];
  for (const error of errors) {
    const field = parent ? (/^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`) : error.property;
    if (error.constraints) out.push({ field, constraints: error.constraints });
    if (error.children?.length) out.push(...flatten(error.children, field));
  }
  return out;
}

const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The path of the first own key named __proto__, constructor or prototype, anywhere in the payload. */
export function reservedKeyPath(value: unknown, path = '$'): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const key of Object.keys(value)) {
    const here = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
    if (!Array.isArray(value) && RESERVED_KEYS.has(key)) return here;
    const found = reservedKeyPath((value as Record<string, unknown>)[key], here);
    if (found) return found;
  }
  return undefined;
}

/**
 * Validates an inbound agency payload with the same options as the HTTP ValidationPipe (`strictValidationPipe` in
 * service-kit): unknown fields rejected, nested DTOs checked, types converted by class-transformer. With
 * `allowUnknownFields` (another service's published event, richer than what this consumer reads) only the DTO's
 * fields are checked and the payload is passed on as it came.
 */
export async function validateInbound<T extends object>(dto: new () => T, payload: unknown, options: { allowUnknownFields?: boolean } = {}): Promise<InboundValidation<T>> {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    const errors = [{ field: '$', constraints: { isObject: 'payload must be a JSON object' } }];
    return { valid: false, errors, reason: 'validation failed: $ (isObject: payload must be a JSON object)' };
  }
  if (jsonDepthExceeds(payload, MAX_INBOUND_DEPTH)) {
    const message = `payload is nested deeper than ${MAX_INBOUND_DEPTH} levels`;
    return { valid: false, errors: [{ field: '$', constraints: { maxDepth: message } }], reason: `validation failed: $ (maxDepth: ${message})` };
  }
  // class-transformer crashes on an object with its own `constructor` key (and such keys are a prototype-pollution
  // vector): refused with the path, never passed on
  const reserved = reservedKeyPath(payload);
  if (reserved) {
    const message = `payload has a reserved key at ${reserved.slice(2)} (__proto__, constructor and prototype are not allowed)`;
    return { valid: false, errors: [{ field: reserved.slice(2), constraints: { reservedKey: message } }], reason: `validation failed: ${reserved.slice(2)} (reservedKey: ${message})` };
  }
  const strict = !options.allowUnknownFields;
  let value: T;
  let errors: InboundFieldError[];
  try {
    value = plainToInstance(dto, payload);
    errors = flatten(await validate(value, { whitelist: strict, forbidNonWhitelisted: strict, forbidUnknownValues: true, validationError: { target: false, value: false } }));
  } catch (err) {
    // whatever else the validators cannot digest is refused, with what they said, instead of crashing the consumer
    const message = `payload could not be validated: ${(err as Error).message}`;
    return { valid: false, errors: [{ field: '$', constraints: { unreadable: message } }], reason: `validation failed: $ (unreadable: ${message})` };
  }
  // a lenient DTO checks the fields the handler relies on; the handler gets the whole payload
  if (errors.length === 0) return { valid: true, value: strict ? value : (payload as T) };
  const reason =
    'validation failed: ' + errors.map((e) => `${e.field} (${Object.entries(e.constraints).map(([k, v]) => `${k}: ${v}`).join('; ')})`).join(', ');
  return { valid: false, errors, reason };
}
