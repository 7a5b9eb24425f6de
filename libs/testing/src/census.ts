import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';
import { Pool } from 'pg';
import request from 'supertest';

/** A class validated with class-validator decorators (a DTO). */
type DtoClass = abstract new (...args: never[]) => unknown;

// class-transformer keeps `@Type(() => X)` here and does not export it from its entry point
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: { findTypeMetadata(target: DtoClass, property: string): { typeFunction(): unknown } | undefined };
};

/**
 * Census tests: what a service really serves, read from the running application (the Express router Nest built and
 * the controllers Nest instantiated), never from a hand-written list, so a new route or DTO that skips a rule fails.
 */

export interface RegisteredRoute {
  method: string;
  /** The path template, e.g. `/cases/:caseId/advice`. */
  path: string;
}

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every route the application's HTTP server answers, from the Express router stack. */
export function registeredRoutes(app: INestApplication): RegisteredRoute[] {
  const express = app.getHttpAdapter().getInstance() as { router?: { stack: ExpressLayer[] }; _router?: { stack: ExpressLayer[] } };
  const stack = (express.router ?? express._router)?.stack ?? [];
  const routes: RegisteredRoute[] = [];
  for (const layer of stack) {
    if (!layer.route) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') routes.push({ method: method.toUpperCase(), path: layer.route.path });
  }
  return routes;
}

/** A route names a case by `:caseId`, or by whatever parameter follows `/cases/` (`/cases/:id` counts too). */
const CASE_PARAM = /:caseId\b|\/cases\/:[A-Za-z]+/;

/** Routes about one case. A case route whose parameter is not called `caseId` is included, so that it fails the census (the rule keys on `:caseId`). */
export function caseScopedRoutes(app: INestApplication): RegisteredRoute[] {
  return registeredRoutes(app).filter((r) => CASE_PARAM.test(r.path));
}

/** A concrete URL for a route template: the case id given, every other parameter a fresh UUID-shaped value. */
export function fillRoute(path: string, caseId: string): string {
  const withCase = path.includes(':caseId') ? path.replace(':caseId', caseId) : path.replace(/\/cases\/:[A-Za-z]+/, `/cases/${caseId}`);
  return withCase.replace(/:([A-Za-z]+)/g, '00000000-0000-4000-8000-000000000000');
}

/** The request a census makes to a route, as a caller. */
export function callRoute(server: Parameters<typeof request>[0], route: RegisteredRoute, caseId: string, token: string, query = ''): request.Test {
  const url = `${fillRoute(route.path, caseId)}${query}`;
  const agent = request(server);
  const call = route.method === 'GET' ? agent.get(url) : route.method === 'PUT' ? agent.put(url) : route.method === 'PATCH' ? agent.patch(url) : route.method === 'DELETE' ? agent.delete(url) : agent.post(url);
  return call.set('Authorization', `Bearer ${token}`).set('Idempotency-Key', 'census-0000-0001').timeout(20_000);
}

/** Counts a caller's refused attempts on a case in a service's hash-chained access log (its own database). */
export function accessLogDenials(databaseUrl: string, table: string): { count(caseId: string, userId: string): Promise<number>; close(): Promise<void> } {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`not a table name: ${table}`);
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  return {
    async count(caseId, userId) {
      const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE case_id = $1 AND user_id = $2 AND detail->>'outcome' = 'denied'`, [caseId, userId]);
      return Number(rows[0].n);
    },
    close: () => pool.end(),
  };
}

/** The classes validated as a body, query or path of any controller method of the application, and every class they nest. */
export function controllerDtos(app: INestApplication): DtoClass[] {
  const validation = getMetadataStorage();
  const validated = (c: unknown): c is DtoClass =>
    typeof c === 'function' && validation.getTargetValidationMetadatas(c, '', true, false).length > 0;
  const found = new Set<DtoClass>();
  const visit = (dto: DtoClass) => {
    if (found.has(dto)) return;
    found.add(dto);
    for (const meta of validation.getTargetValidationMetadatas(dto, '', true, false)) {
      const nested = defaultMetadataStorage.findTypeMetadata(dto, meta.propertyName)?.typeFunction();
      if (validated(nested)) visit(nested);
    }
  };
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const proto = (wrapper.metatype as { prototype?: object } | null)?.prototype;
      if (!proto) continue;
      for (const name of Object.getOwnPropertyNames(proto)) {
        if (name === 'constructor') continue;
        const types = (Reflect.getMetadata('design:paramtypes', proto, name) as unknown[] | undefined) ?? [];
        for (const t of types) if (validated(t)) visit(t);
      }
    }
  }
  return [...found];
}

export interface CaseRouteCensusRow {
  route: string;
  /** Status for a case that exists and the caller is not involved in. */
  existing: number;
  /** Status for a case id nobody has used. */
  unknown: number;
  /** Both refusals carry the same body (the case id aside): nothing tells whether the case exists. */
  sameAnswer: boolean;
  /** The refusal of the existing case was written to the service's access log. */
  logged: boolean;
}

/**
 * Walks every registered case-scoped route of a running service as an organisation that is not involved: once on a
 * case that exists, once on an unknown id. Each row is what happened; a test expects every row to read
 * `{ existing: 403, unknown: 403, sameAnswer: true, logged: true }`.
 */
export async function caseRouteCensus(o: {
  app: INestApplication;
  existingCaseId: string;
  strangerToken: string;
  strangerUserId: string;
  deniedAttempts(caseId: string, userId: string): Promise<number>;
  unknownCaseId: string;
  /**
   * For the routes only family members reach (`@RequireRoles('family')`): a signed-in family member not linked to the
   * case, so that involvement, not the role, is what refuses them there too.
   */
  familyStranger?: { token: string; userId: string; routes: (route: RegisteredRoute) => boolean };
}): Promise<CaseRouteCensusRow[]> {
  const server = o.app.getHttpServer();
  const rows: CaseRouteCensusRow[] = [];
  const anonymise = (body: unknown, caseId: string) => JSON.stringify({ ...(body as object), correlationId: undefined }).split(caseId).join('<case>');
  for (const route of caseScopedRoutes(o.app)) {
    const stranger = o.familyStranger?.routes(route) ? o.familyStranger : { token: o.strangerToken, userId: o.strangerUserId };
    const before = await o.deniedAttempts(o.existingCaseId, stranger.userId);
    const existing = await callRoute(server, route, o.existingCaseId, stranger.token).send({});
    const after = await o.deniedAttempts(o.existingCaseId, stranger.userId);
    const unknown = await callRoute(server, route, o.unknownCaseId, stranger.token).send({});
    rows.push({
      route: `${route.method} ${route.path}`,
      existing: existing.status,
      unknown: unknown.status,
      sameAnswer: anonymise(existing.body, o.existingCaseId) === anonymise(unknown.body, o.unknownCaseId),
      logged: after > before,
    });
  }
  return rows;
}

/** What `caseRouteCensus` must find on every route. */
export const REFUSED_AND_LOGGED = { existing: 403, unknown: 403, sameAnswer: true, logged: true } as const;
