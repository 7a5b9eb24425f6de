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

/** A problem before it is answered: what the one writer (`writeProblem`) turns into a `ProblemDetails` body. */
export interface Problem {
  status: number;
  code: string;
  detail: string;
  /** Defaults to the code's title (`problemTitle`). */
  title?: string;
  errors?: ProblemFieldError[];
  details?: Record<string, unknown>;
  /** Response headers that belong to the answer (`WWW-Authenticate`, `Retry-After`). */
  headers?: Record<string, string>;
}

/** The titles of the codes every service shares; a domain code's title is its words (`final-plan-before-draft` → `Final plan before draft`). */
const TITLES: Record<string, string> = {
  'validation-failed': 'Validation failed',
  'date-in-future': 'A date is after today',
  'bad-request': 'Bad request',
  'invalid-json': 'Request body is not valid JSON',
  'body-too-deep': 'Request body is nested too deeply',
  'token-required': 'A bearer token is required',
  'invalid-token': 'The bearer token was refused',
  unauthenticated: 'Not authenticated',
  forbidden: 'Forbidden',
  'not-found': 'Not found',
  'method-not-allowed': 'Method not allowed',
  conflict: 'Conflict',
  'concurrent-write': 'Another write got there first',
  'event-id-conflict': 'The event ids are already used',
  'payload-too-large': 'Payload too large',
  'unsupported-media-type': 'Unsupported media type',
  'unprocessable-input': 'The input cannot be recorded',
  'idempotency-key-reused': 'Idempotency key already used for another request',
  'idempotency-key-in-flight': 'A request with this idempotency key is still being processed',
  'too-many-requests': 'Too many requests',
  'service-unavailable': 'Service unavailable',
  'internal-error': 'Internal error',
};

/** The code of an HTTP status when nothing more specific is known. */
const STATUS_CODES: Record<number, string> = {
  400: 'bad-request', 401: 'unauthenticated', 403: 'forbidden', 404: 'not-found', 405: 'method-not-allowed', 409: 'conflict',
  413: 'payload-too-large', 415: 'unsupported-media-type', 422: 'unprocessable-input', 429: 'too-many-requests', 503: 'service-unavailable',
};

export function codeOfStatus(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'internal-error' : 'bad-request');
}

export function problemTitle(code: string): string {
  return TITLES[code] ?? code.charAt(0).toUpperCase() + code.slice(1).replace(/-/g, ' ');
}

/** A refusal a domain rule made (`DomainError`: stable code, message, details), at the status its service maps it to. */
export function domainProblem(error: { code: string; message: string; details?: Record<string, unknown> | undefined }, status: number): Problem {
  return { status, code: error.code, detail: error.message, ...(error.details ? { details: error.details } : {}) };
}

interface ProblemRequest {
  correlationId?: string;
  originalUrl?: string;
  url?: string;
}

interface ProblemResponse {
  headersSent?: boolean;
  setHeader(name: string, value: string): unknown;
  removeHeader?(name: string): unknown;
  status(code: number): { json(body: unknown): unknown };
}

/** The request path (no query string: it may carry a token) that got the answer. */
function instanceOf(request: ProblemRequest): string {
  const url = request.originalUrl ?? request.url ?? '/';
  return url.split('?')[0] || '/';
}

/** The body of a problem answer to this request. */
export function problemBody(problem: Problem, request: ProblemRequest): ProblemDetails {
  return {
    type: problemType(problem.code),
    title: problem.title ?? problemTitle(problem.code),
    status: problem.status,
    detail: problem.detail,
    instance: instanceOf(request),
    code: problem.code,
    correlationId: request.correlationId ?? '',
    ...(problem.errors ? { errors: problem.errors } : {}),
    ...(problem.details ? { details: problem.details } : {}),
  };
}

/**
 * The one place an error answer is written: status, its headers, `Content-Type: application/problem+json` (even on
 * a route that declared another type, e.g. an HTML report or an event stream) and the Problem Details body.
 */
export function writeProblem(request: ProblemRequest, response: ProblemResponse, problem: Problem): void {
  if (response.headersSent) return;
  response.removeHeader?.('Content-Type');
  response.removeHeader?.('Content-Disposition');
  for (const [name, value] of Object.entries(problem.headers ?? {})) response.setHeader(name, value);
  response.setHeader('Content-Type', `${PROBLEM_JSON}; charset=utf-8`);
  response.status(problem.status).json(problemBody(problem, request));
}
