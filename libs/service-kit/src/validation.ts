import { BadRequestException, UnprocessableEntityException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { NOT_IN_FUTURE } from '@tio/contracts';

/**
 * A calendar day as YYYY-MM-DD (month 01-12, day 01-31), for `@Matches` in DTOs; an impossible day such as
 * 2026-02-31 passes this and is refused by the calendar with a 400.
 */
export const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export interface FieldError {
  /** Dotted path of the offending field, e.g. `advice.sections[0].text`. */
  field: string;
  /** The constraints it broke, each with a readable reason. */
  reasons: string[];
}

/** Flattens class-validator's nested errors into one entry per field, with a dotted path. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? (/^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`) : error.property;
    if (error.constraints) out.push({ field, reasons: Object.values(error.constraints) });
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/**
 * Every HTTP body, query and path parameter goes through this: unknown fields are rejected, types are converted,
 * and a failure is a 400 that names each field and why.
 */
export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationException(errors),
  });
}

/** Every constraint name the errors (and their children) broke. */
function brokenConstraints(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => [...Object.keys(e.constraints ?? {}), ...brokenConstraints(e.children ?? [])]);
}

/** "Validation failed: dateOfBirth, childRef" — what a person reads; `errors[]` carries each field's reasons. */
function validationDetail(fields: FieldError[]): string {
  return `Validation failed: ${fields.map((f) => f.field).join(', ')}`;
}

/**
 * 400 for input that is malformed; 422 (same body) for input that is well-formed but dated after today
 * (`@NotInFuture`): the request could be right tomorrow, it is not wrong in shape. Both are answered as Problem
 * Details with `errors[]` naming each field and its reasons.
 */
export function validationException(errors: ValidationError[]): BadRequestException | UnprocessableEntityException {
  const onlyFutureDates = brokenConstraints(errors).every((c) => c === NOT_IN_FUTURE);
  const fields = flattenValidationErrors(errors);
  return onlyFutureDates
    ? new UnprocessableEntityException({ code: 'date-in-future', detail: validationDetail(fields), errors: fields })
    : new BadRequestException({ code: 'validation-failed', detail: validationDetail(fields), errors: fields });
}

/** A 400 naming one invalid input (a path segment, a header such as `Idempotency-Key`) and why, like the pipe's. */
export function invalidField(field: string, reason: string): BadRequestException {
  return new BadRequestException({ code: 'validation-failed', detail: `Validation failed: ${field}`, errors: [{ field, reasons: [reason] }] });
}
