import { applyDecorators, type INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ApiExtraModels, ApiHeader, ApiProperty, ApiResponse, type ApiPropertyOptions, DocumentBuilder, getSchemaPath, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_JSON, ProblemDetails, problemType } from './problem-details';

/** The error statuses an operation documents; each is answered with a ProblemDetails body. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503;

const PROBLEMS: Record<ProblemStatus, { description: string; code: string; title: string; detail: string }> = {
  400: { description: 'Invalid input: `errors[]` names each invalid field (body, query, path or header) and why', code: 'validation-failed', title: 'Validation failed', detail: 'The request has 1 invalid field: at' },
  401: { description: 'No bearer token, or one that is invalid or expired (`WWW-Authenticate: Bearer`)', code: 'token-required', title: 'A bearer token is required', detail: 'A valid bearer token is required' },
  403: { description: 'The caller may not do this: a role it lacks, or a case its organisation is not involved in (the same answer whether the case exists or not)', code: 'forbidden', title: 'Forbidden', detail: 'Your organisation is not involved in this case' },
  404: { description: 'Nothing of that id, for a caller allowed to know', code: 'not-found', title: 'Not found', detail: 'No case 5b2f6a0e-8f7e-4a43-9c1d-2f0a6b7c8d9e' },
  409: { description: "The resource's state does not allow this now (the stable `code` says which rule), or a concurrent write won the race: read again and retry", code: 'conflict', title: 'Conflict', detail: 'The step is not allowed in the current state' },
  413: { description: 'The request body is larger than the limit', code: 'payload-too-large', title: 'Payload too large', detail: 'Request body is larger than the limit' },
  422: { description: 'Well-formed but cannot be accepted: the same Idempotency-Key with another body, or input the store cannot record', code: 'idempotency-key-reused', title: 'Idempotency key already used for another request', detail: 'Idempotency-Key 6d3a2b1c-create-case-0001 was used with another body' },
  429: { description: 'Too many requests from this client this minute (`Retry-After` says when to try again)', code: 'too-many-requests', title: 'Too many requests', detail: 'Rate limit exceeded' },
  503: { description: 'The database is unavailable for a moment; nothing was recorded. Retry (with the same Idempotency-Key)', code: 'service-unavailable', title: 'Service unavailable', detail: 'The database is unavailable for a moment; nothing was recorded' },
};

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' as const, minimum: 0 } } };

/** The example body of a problem status (what a client sees; `instance` and `correlationId` vary per request). */
export function problemExample(status: ProblemStatus, instance = '/cases'): ProblemDetails {
  const p = PROBLEMS[status];
  return {
    type: problemType(p.code), title: p.title, status, detail: p.detail, instance, code: p.code, correlationId: '6f1c0b9e-3d2a-4c55-9a57-1b2f0c7d8e90',
    ...(status === 400 ? { errors: [{ field: 'at', reasons: ['at must be a date in the form YYYY-MM-DD'] }] } : {}),
  };
}

/**
 * Documents the error answers of an operation (or of every operation of a controller), each as
 * `application/problem+json` with the ProblemDetails schema and an example: `@ApiProblems(400, 404, 409)`.
 */
export function ApiProblems(...statuses: ProblemStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDetails),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: PROBLEMS[status].description,
        content: { [PROBLEM_JSON]: { schema: { $ref: getSchemaPath(ProblemDetails) }, example: problemExample(status) } },
        ...(status === 401 ? { headers: { 'WWW-Authenticate': { description: 'The authentication scheme: `Bearer`', schema: { type: 'string', example: 'Bearer' } } } } : {}),
        ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
      }),
    ),
  ) as MethodDecorator & ClassDecorator;
}

/** What every authenticated route can answer besides its own: no or a bad token, not allowed, rate limited, database away. */
export const ApiAuthenticatedProblems = () => ApiProblems(401, 403, 429, 503);

/** The `Idempotency-Key` request header of a write route (never of a read). */
export function ApiIdempotencyKey(required = false, why?: string): MethodDecorator & ClassDecorator {
  return ApiHeader({
    name: 'Idempotency-Key',
    required,
    description:
      `${required ? 'Required' : 'Optional'}: a retry with the same key and body answers the first result and records nothing twice; ` +
      `the same key with another body is 422, a retry while the first is still running 409.${why ? ` ${why}` : ''}`,
    schema: { type: 'string', minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9._:-]{8,128}$', example: '6d3a2b1c-create-case-0001' },
  }) as MethodDecorator & ClassDecorator;
}

/** A command route: its body, path and key can be invalid (400), the case unknown (404), the step refused or raced (409), the body too large (413) or unrecordable (422). */
export const ApiCommandProblems = () => ApiProblems(400, 404, 409, 413, 422);

/** The port the service's configuration names (CoreModule's SERVICE_CONFIG), looked up without failing when absent. */
function configuredPort(app: INestApplication): number | undefined {
  for (const module of app.get(ModulesContainer).values()) {
    for (const provider of module.providers.values()) {
      const value = provider.instance as { port?: unknown; databaseUrl?: unknown } | undefined;
      if (value && typeof value === 'object' && typeof value.port === 'number' && typeof value.databaseUrl === 'string') return value.port;
    }
  }
  return undefined;
}

export interface OpenApiDefinition {
  name: string;
  title: string;
  description: string;
}

/**
 * The service's OpenAPI document, as served at `/docs/openapi.json`: operationIds are the ones the controllers name
 * (`@ApiOperation({ operationId })`, the method name otherwise, never the framework's `Controller_method`), every tag
 * used is declared, servers are `PUBLIC_BASE_URL` (when set) and the local run's address.
 */
export function buildOpenApiDocument(app: INestApplication, definition: OpenApiDefinition): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle(definition.title)
    .setDescription(definition.description)
    .setVersion('1')
    .setContact('Tell It Once', 'https://tell-it-once.example', 'api@tell-it-once.example')
    .setLicense('Open Government Licence v3.0', 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A JWT signed by the identity provider (claims: agency, roles, organisationId)' }, 'bearer');
  const publicUrl = process.env['PUBLIC_BASE_URL'];
  if (publicUrl) builder.addServer(publicUrl.replace(/\/+$/, ''), 'This deployment');
  builder.addServer(`http://localhost:${configuredPort(app) ?? 3000}`, `The ${definition.name} service run locally (npm start)`);
  const document = SwaggerModule.createDocument(app, builder.build(), { operationIdFactory: (_controller, method) => method });
  // a method served on two paths (`@Get(['ready', ''])`) is two operations: the second is named after its path
  const seen = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const op of Object.values(item) as Array<{ operationId?: string } | undefined>) {
      if (!op?.operationId) continue;
      if (seen.has(op.operationId)) op.operationId += path.split('/').filter((s) => s && !s.startsWith('{')).map((s) => s[0].toUpperCase() + s.slice(1)).join('');
      seen.add(op.operationId);
    }
  }
  shareProblemResponses(document);
  const used = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item) as Array<{ tags?: string[] } | undefined>) for (const t of op?.tags ?? []) used.add(t);
  }
  document.tags = [...used].sort().map((name) => ({ name, description: `${name[0].toUpperCase()}${name.slice(1)} of the ${definition.name} service` }));
  return document;
}

/**
 * Every operation's problem answers are the same per status (ApiProblems): keep each once under
 * `components.responses` (`Problem400` ...) and point the operations at it, so the document stays small and a
 * client generator names them once.
 */
function shareProblemResponses(document: OpenAPIObject): void {
  const shared: Record<string, unknown> = {};
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item) as Array<{ responses?: Record<string, unknown> } | undefined>) {
      if (!op?.responses || typeof op.responses !== 'object') continue;
      for (const [status, response] of Object.entries(op.responses)) {
        const r = response as { description?: string; content?: Record<string, unknown> };
        // an error documented with `type: ProblemDetails` is served as application/problem+json: say so
        const json = r.content?.['application/json'] as { schema?: { $ref?: string } } | undefined;
        if (Number(status) >= 400 && json?.schema?.$ref?.endsWith('/ProblemDetails') && r.content) {
          r.content = { [PROBLEM_JSON]: json };
        }
        const standard = PROBLEMS[Number(status) as ProblemStatus];
        if (!standard || r.description !== standard.description || !r.content?.[PROBLEM_JSON]) continue;
        const name = `Problem${status}`;
        shared[name] ??= response;
        op.responses[status] = { $ref: `#/components/responses/${name}` };
      }
    }
  }
  document.components = { ...document.components, responses: { ...(document.components?.responses ?? {}), ...(shared as Record<string, never>) } };
}

/** The verification of a hash-chained access log, as the access-log routes answer it. */
export const ACCESS_LOG_VERIFICATION_SCHEMA = {
  type: 'object' as const,
  additionalProperties: true,
  required: ['valid'],
  properties: { valid: { type: 'boolean' }, rowsChecked: { type: 'integer' }, chainsChecked: { type: 'integer' }, headHash: { type: 'string', nullable: true }, headsAuthenticated: { type: 'boolean' } },
  description: 'The whole chain walked on this read: `valid` false names where it breaks',
} as ApiPropertyOptions;

/** A page of a service's chained access log (service-kit's AccessLog) with the verification of the whole log. */
export class AccessLogPageResponse {
  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: true,
      required: ['seq', 'chain', 'position', 'at', 'hash'],
      properties: { seq: { type: 'integer' }, chain: { type: 'string' }, position: { type: 'integer' }, at: { type: 'string' }, previousHash: { type: 'string', nullable: true }, hash: { type: 'string' } },
    },
    description: 'Who read (or was refused) which case, when and why, in log order',
  })
  entries!: Array<Record<string, unknown>>;
  @ApiProperty(ACCESS_LOG_VERIFICATION_SCHEMA)
  verification!: Record<string, unknown>;
}
