import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The media type of every error answer (RFC 9457 §3). */
export const PROBLEM_JSON = 'application/problem+json';

/**
 * Every problem type is an absolute URI under this base, one per stable `code` (`<base><code>`): absolute so that it
 * means the same behind any gateway or path prefix (a relative one would resolve against wherever the API is served).
 * The URI identifies the problem; it is not required to be fetchable.
 */
export const PROBLEM_TYPE_BASE = 'https://tell-it-once.example/problems/';

/** The `type` URI of a problem code. */
export function problemType(code: string): string {
  return `${PROBLEM_TYPE_BASE}${code}`;
}

/** One invalid input field and every reason it was refused (from class-validator, or a header such as Idempotency-Key). */
export class ProblemFieldError {
  @ApiProperty({ description: 'Dotted path of the offending field (or the header name), e.g. `advice.sections[0].text`, `Idempotency-Key`', example: 'dateOfBirth' })
  field!: string;

  @ApiProperty({ type: [String], description: 'Each constraint it broke, as a readable reason', example: ['dateOfBirth must match /^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$/ regular expression'] })
  reasons!: string[];
}

/**
 * The one error body of every service: RFC 9457 Problem Details, served as `application/problem+json`, extended with
 * the stable `code` (what a client branches on), the request's `correlationId` and, for invalid input, `errors[]`.
 */
export class ProblemDetails {
  @ApiProperty({ format: 'uri', description: `A URI per code: \`${PROBLEM_TYPE_BASE}<code>\``, example: `${PROBLEM_TYPE_BASE}validation-failed` })
  type!: string;

  @ApiProperty({ description: 'A short summary of the problem type (the same for every occurrence of the code)', example: 'Validation failed' })
  title!: string;

  @ApiProperty({ type: 'integer', description: 'The HTTP status code of this answer', example: 400 })
  status!: number;

  @ApiProperty({ description: 'What went wrong in this occurrence, readable by a person', example: 'The request has 1 invalid field: dateOfBirth' })
  detail!: string;

  @ApiProperty({ format: 'uri-reference', description: 'The request path that got this answer', example: '/cases' })
  instance!: string;

  @ApiProperty({ description: 'The stable machine-readable code (the last segment of `type`)', example: 'validation-failed' })
  code!: string;

  @ApiProperty({ description: 'The request\'s correlation id (the `x-correlation-id` header), to find it in the logs', example: '6f1c0b9e-3d2a-4c55-9a57-1b2f0c7d8e90' })
  correlationId!: string;

  @ApiPropertyOptional({ type: [ProblemFieldError], description: 'Present on validation problems: each invalid field with its reasons' })
  errors?: ProblemFieldError[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Facts of a domain refusal (e.g. the current state), when the domain gives them' })
  details?: Record<string, unknown>;
}
