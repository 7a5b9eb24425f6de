import { Document, Spectral } from '@stoplight/spectral-core';
import * as Parsers from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import request from 'supertest';

/** The parts of an OpenAPI 3 document these checks read. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation | undefined>>;
  components?: { schemas?: Record<string, unknown> };
  [key: string]: unknown;
}
interface OpenApiOperation {
  operationId?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean; $ref?: string }>;
  requestBody?: unknown;
  responses?: Record<string, ResponseObject | undefined>;
  security?: unknown[];
}

/** A response object, or a reference to one under `components.responses`. */
type ResponseObject = { content?: Record<string, { schema?: unknown }>; $ref?: string };

/** The response a `$ref` points at (`#/components/responses/Name`), or the response itself. */
function resolved(document: OpenApiDocument, response: ResponseObject | undefined): ResponseObject | undefined {
  if (!response?.$ref) return response;
  const name = response.$ref.replace('#/components/responses/', '');
  return (document.components as { responses?: Record<string, ResponseObject> } | undefined)?.responses?.[name];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
/** Media types whose body is not one JSON value (a stream, a page, a text format): documented by their media type. */
const NON_JSON = /^(text\/event-stream|text\/html|text\/plain|text\/calendar|text\/csv)/;

/** The document a running service serves at /docs/openapi.json. */
export async function servedOpenApi(server: Parameters<typeof request>[0]): Promise<OpenApiDocument> {
  const res = await request(server).get('/docs/openapi.json').expect(200);
  return res.body as OpenApiDocument;
}

/** Every operation of a document as `METHOD /path` with the operation. */
export function operationsOf(document: OpenApiDocument): Array<{ key: string; method: string; path: string; op: OpenApiOperation }> {
  const out: Array<{ key: string; method: string; path: string; op: OpenApiOperation }> = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) out.push({ key: `${method.toUpperCase()} ${path}`, method, path, op });
    }
  }
  return out;
}

/**
 * Our own rules on top of `spectral:oas`: every operation answers 2xx with a schema (or is a 204, or a stream/page/
 * text by its media type), documents 401 unless it is public (`security: []`), 400 when it takes a body or
 * parameters, and has an operationId of our choosing (not the framework's `Controller_method`).
 */
export function ownRuleViolations(document: OpenApiDocument): string[] {
  const problems: string[] = [];
  const publicByDefault = !(Array.isArray(document['security']) && (document['security'] as unknown[]).length > 0);
  for (const { key, op } of operationsOf(document)) {
    const responses = op.responses ?? {};
    const success = Object.entries(responses).filter(([status]) => /^2\d\d$/.test(status));
    const described = success.some(([status, r]) =>
      status === '204' || Object.entries(resolved(document, r)?.content ?? {}).some(([type, media]) => NON_JSON.test(type) || (media?.schema !== undefined && Object.keys(media.schema as object).length > 0)),
    );
    if (!described) problems.push(`${key}: no 2xx response with a schema (nor a 204 or a stream)`);
    const isPublic = Array.isArray(op.security) ? op.security.length === 0 : publicByDefault;
    if (!isPublic && !responses['401']) problems.push(`${key}: authenticated but does not document 401`);
    const takesInput = op.requestBody !== undefined || (op.parameters ?? []).some((p) => p.in === 'path' || p.in === 'query');
    if (takesInput && !responses['400']) problems.push(`${key}: takes a body or parameters but does not document 400`);
    if (!op.operationId || /_/.test(op.operationId)) problems.push(`${key}: operationId ${op.operationId ?? '(none)'} is not one of ours`);
    for (const [status, r] of Object.entries(responses)) {
      if (isPublic || !/^[45]\d\d$/.test(status)) continue;
      if (!resolved(document, r)?.content?.['application/problem+json']) problems.push(`${key}: ${status} is not application/problem+json`);
    }
  }
  const ids = operationsOf(document).map((o) => o.op.operationId).filter(Boolean);
  for (const id of new Set(ids)) if (ids.filter((i) => i === id).length > 1) problems.push(`operationId ${id} is used more than once`);
  return problems;
}

export interface LintResult {
  errors: string[];
  warnings: string[];
}

/** Lints a document with Spectral's `spectral:oas` ruleset (recommended rules) plus our own rules (errors). */
export async function lintOpenApi(document: OpenApiDocument): Promise<LintResult> {
  const spectral = new Spectral();
  spectral.setRuleset({ extends: [[oas as never, 'recommended']] } as never);
  const results = await spectral.run(new Document(JSON.stringify(document, null, 2), Parsers.Json));
  const describe = (r: (typeof results)[number]) => `${r.code}: ${r.message} at ${r.path.join('.')}`;
  return {
    errors: [...results.filter((r) => r.severity === 0).map(describe), ...ownRuleViolations(document)],
    warnings: results.filter((r) => r.severity === 1).map(describe),
  };
}

/** One response an application gave, as the conformance check reads it. */
export interface ObservedResponse {
  method: string;
  /** The route template as Express has it (`/cases/:caseId`) or as OpenAPI does (`/cases/{caseId}`). */
  path: string;
  /** False when the path is the request's URL (answered before routing): it is matched against the templates. */
  routed?: boolean;
  status: number;
  contentType?: string;
  body: unknown;
}

/**
 * Validates real responses against a served document: the route and its status must be documented, the media type
 * listed, and a JSON body valid against its schema (ajv, with formats). `undocumented` lists what failed.
 */
export class OpenApiConformance {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  readonly checked: ObservedResponse[] = [];
  readonly undocumented: string[] = [];

  constructor(private readonly document: OpenApiDocument) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema(document as object, 'openapi.json');
  }

  /** Checks one response; answers what is wrong with it, or undefined when it conforms. */
  check(observed: ObservedResponse): string | undefined {
    this.checked.push(observed);
    const problem = this.problemWith(observed);
    if (problem) this.undocumented.push(problem);
    return problem;
  }

  private templateOf(url: string): string {
    return templateIn(this.document, url);
  }

  private problemWith(o: ObservedResponse): string | undefined {
    const path = o.routed === false ? this.templateOf(o.path) : o.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const where = `${o.method.toUpperCase()} ${path} ${o.status}`;
    const op = this.document.paths?.[path]?.[o.method.toLowerCase()];
    if (!op) return `${where}: the route is not in the document`;
    const statusKey = [String(o.status), `${String(o.status)[0]}XX`, 'default'].find((k) => op.responses?.[k] !== undefined);
    const response = statusKey ? resolved(this.document, op.responses?.[statusKey]) : undefined;
    if (!response) return `${where}: status not documented (documented: ${Object.keys(op.responses ?? {}).join(', ')})`;
    const media = (o.contentType ?? '').split(';')[0].trim().toLowerCase();
    const contents = response.content ?? {};
    if (!media || o.status === 204) return Object.keys(contents).length === 0 || o.status === 204 ? undefined : `${where}: no body, but the document describes one`;
    if (!contents[media]) return `${where}: media type ${media} not documented (documented: ${Object.keys(contents).join(', ') || 'none'})`;
    if (!/json$/.test(media) || contents[media].schema === undefined) return undefined;
    const ref = op.responses?.[statusKey as string]?.$ref;
    const pointer = ref
      ? `openapi.json${ref}/content/${escape(media)}/schema`
      : `openapi.json#/paths/${escape(path)}/${o.method.toLowerCase()}/responses/${statusKey}/content/${escape(media)}/schema`;
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: pointer });
      this.validators.set(pointer, validate);
    }
    if (validate(o.body)) return undefined;
    return `${where}: body does not match the schema: ${this.ajv.errorsText(validate.errors, { separator: '; ' })}`;
  }
}

/** A URL path's template in the document (`/cases/5b2f...` -> `/cases/{caseId}`), literal segments first; the URL itself when none matches. */
function templateIn(document: OpenApiDocument, url: string): string {
  const matches = Object.keys(document.paths ?? {}).filter((t) => new RegExp(`^${t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`).test(url));
  return matches.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0] ?? url;
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1').replace(/\{/g, '%7B').replace(/\}/g, '%7D');
}
