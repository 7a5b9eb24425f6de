import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_FAMILY_ISSUER } from '@tio/auth';
import { workspaceRoot } from '@tio/local-infra';
import { SERVICES, WEB_SERVICE } from '../scripts/services';

// docker-compose.yml cannot run on the machines this project is built on (no Docker engine), so this keeps it
// honest: the same services, ports, variables and databases as the run command.
describe('docker-compose.yml matches the run command', () => {
  const root = workspaceRoot();
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, unknown>; ports?: string[]; healthcheck?: unknown; build?: unknown; volumes?: string[] }>;
    volumes: Record<string, unknown>;
  };
  const initSql = readFileSync(join(root, 'infra/compose/init-databases.sql'), 'utf8');

  it('runs PostgreSQL, Kafka and EventStoreDB with health checks and named volumes', () => {
    for (const infra of ['postgres', 'kafka', 'eventstore']) {
      expect(compose.services[infra]?.healthcheck).toBeDefined();
    }
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['postgres-data', 'kafka-data', 'eventstore-data']));
  });

  it.each(SERVICES.map((s) => [s.name, s] as const))('has the %s service on its port, database and broker', (name, entry) => {
    const service = compose.services[name];
    expect(service).toBeDefined();
    expect(service.build).toBe('.');
    expect(service.healthcheck).toBeDefined();
    const env = service.environment ?? {};
    expect(env['SERVICE']).toBe(name);
    expect(Number(env['PORT'])).toBe(entry.port);
    expect(service.ports).toEqual([`${entry.port}:${entry.port}`]);
    expect(env['KAFKA_BROKERS']).toBe('kafka:9092');
    expect(String(env['DATABASE_URL'])).toMatch(new RegExp(`/${entry.database}$`));
    expect(initSql).toContain(`CREATE DATABASE ${entry.database};`);
  });

  it('has the web service on its port, with its sessions database and no broker, calling each service by its compose name and port', () => {
    const web = compose.services[WEB_SERVICE.name] as (typeof compose.services)[string] & { profiles?: string[] };
    expect(web?.build).toBe('.');
    expect(web?.healthcheck).toEqual(compose.services['timeline']?.healthcheck);
    const env = web.environment ?? {};
    expect(env['SERVICE']).toBe('web');
    expect(Number(env['PORT'])).toBe(WEB_SERVICE.port);
    expect(web.ports).toEqual([`${WEB_SERVICE.port}:${WEB_SERVICE.port}`]);
    expect(String(env['DATABASE_URL'])).toMatch(new RegExp(`/${WEB_SERVICE.database}$`));
    expect(WEB_SERVICE.database).toBe('tio_web');
    expect(initSql).toContain(`CREATE DATABASE ${WEB_SERVICE.database};`);
    expect(env['WEB_SESSION_KEY']).toBe('${WEB_SESSION_KEY:-}');
    expect(env['KAFKA_BROKERS']).toBeUndefined();
    // the APIs it reads and acts through, as the run command gives them
    const apis = { TIMELINE_URL: 'timeline', CASE_URL: 'case', EDUCATION_URL: 'education', HEALTH_URL: 'health', SOCIAL_CARE_URL: 'social-care', AUDIT_URL: 'audit' };
    for (const [variable, name] of Object.entries(apis)) {
      expect(`${variable}=${env[variable]}`).toBe(`${variable}=http://${name}:${SERVICES.find((s) => s.name === name)?.port}`);
    }
    for (const variable of ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URI', 'JWT_JWKS_URL', 'JWT_PUBLIC_KEY']) expect(Object.keys(env)).toContain(variable);
    // it needs the operator's OpenID provider: started with `--profile web`, so `docker compose up` alone still runs the rest
    expect(web.profiles).toEqual(['web']);
  });

  /** The variables with a prefix that a source file reads (as a whole string literal: `env['X']`, `required(env, 'X')`). */
  const readIn = (file: string, prefix: RegExp) =>
    [...new Set([...readFileSync(join(root, file), 'utf8').matchAll(/'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1] as string))].filter((n) => prefix.test(n)).sort();

  it("passes the web service every variable of families' sign-in and family tokens that its configuration reads, with the code's defaults", () => {
    const env = compose.services[WEB_SERVICE.name]?.environment ?? {};
    const read = readIn('services/web/src/config.ts', /^(CITIZEN_OIDC|FAMILY_JWT|FAMILY_TOKEN)_/);
    expect(read).toEqual(expect.arrayContaining(['CITIZEN_OIDC_ISSUER', 'CITIZEN_OIDC_CLIENT_ID', 'CITIZEN_OIDC_PRIVATE_KEY', 'FAMILY_JWT_PRIVATE_KEY', 'FAMILY_JWT_KEY_ID', 'FAMILY_JWT_ISSUER']));
    // each passed through from the operator's environment by its own name
    for (const variable of read) expect(`${variable}=${String(env[variable])}`).toMatch(new RegExp(`^${variable}=\\$\\{${variable}:?-`));
    expect(env['FAMILY_JWT_ISSUER']).toBe(`\${FAMILY_JWT_ISSUER:-${DEFAULT_FAMILY_ISSUER}}`);
    expect([env['CITIZEN_OIDC_SCOPE'], env['CITIZEN_OIDC_VTR'], env['FAMILY_TOKEN_MINUTES']]).toEqual(['${CITIZEN_OIDC_SCOPE:-openid email}', '${CITIZEN_OIDC_VTR-["Cl.Cm"]}', '${FAMILY_TOKEN_MINUTES:-60}']);
  });

  it.each(SERVICES.map((s) => [s.name] as const))('passes the %s service the family token verification the token verifier reads', (name) => {
    const env = compose.services[name]?.environment ?? {};
    const read = readIn('libs/auth/src/verifier.ts', /^FAMILY_JWT_/);
    expect(read).toEqual(['FAMILY_JWT_ISSUER', 'FAMILY_JWT_JWKS', 'FAMILY_JWT_PUBLIC_KEY']);
    for (const variable of read) expect(`${variable}=${String(env[variable])}`).toMatch(new RegExp(`^${variable}=\\$\\{${variable}:-`));
    expect(env['FAMILY_JWT_ISSUER']).toBe(`\${FAMILY_JWT_ISSUER:-${DEFAULT_FAMILY_ISSUER}}`);
  });

  it.each([['timeline'], ['case'], ['education'], ['health'], ['social-care']])('gives the %s service the organisation directory, a file mounted read-only where ORGANISATION_DIRECTORY points', (name) => {
    const service = compose.services[name];
    const path = String(service?.environment?.['ORGANISATION_DIRECTORY']);
    expect(service?.volumes).toEqual([`\${ORGANISATION_DIRECTORY_FILE:-./infra/demo/organisations.json}:${path}:ro`]);
    expect(readFileSync(join(root, 'infra/demo/organisations.json'), 'utf8')).toContain('"kind"');
  });

  it('declares no service the run command does not start', () => {
    const appServices = Object.keys(compose.services).filter((n) => !['postgres', 'kafka', 'eventstore'].includes(n));
    expect(appServices.sort()).toEqual([...SERVICES, WEB_SERVICE].map((s) => s.name).sort());
  });
});
