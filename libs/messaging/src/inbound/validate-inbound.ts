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

/**
 * Validates an inbound agency payload with the same options as the HTTP ValidationPipe (`strictValidationPipe` in
 * service-kit): unknown fields rejected, nested DTOs checked, types converted by class-transformer.
 */
export async function validateInbound<T extends object>(dto: new () => T, payload: unknown): Promise<InboundValidation<T>> {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    const errors = [{ field: '$', constraints: { isObject: 'payload must be a JSON object' } }];
    return { valid: false, errors, reason: 'validation failed: $ (isObject: payload must be a JSON object)' };
  }
  if (jsonDepthExceeds(payload, MAX_INBOUND_DEPTH)) {
    const message = `payload is nested deeper than ${MAX_INBOUND_DEPTH} levels`;
    return { valid: false, errors: [{ field: '$', constraints: { maxDepth: message } }], reason: `validation failed: $ (maxDepth: ${message})` };
  }
  const value = plainToInstance(dto, payload);
  const errors = flatten(
    await validate(value, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: false, value: false } }),
  );
  if (errors.length === 0) return { valid: true, value };
  const reason =
    'validation failed: ' + errors.map((e) => `${e.field} (${Object.entries(e.constraints).map(([k, v]) => `${k}: ${v}`).join('; ')})`).join(', ');
  return { valid: false, errors, reason };
}
