import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { workspaceRoot } from '@tio/local-infra';
import { SERVICES, WEB_SERVICE } from '../scripts/services';

// docker-compose.yml cannot run on the machines this project is built on (no Docker engine), so this keeps it
// honest: the same services, ports, variables and databases as the run command.
describe('docker-compose.yml matches the run command', () => {
  const root = workspaceRoot();
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, unknown>; ports?: string[]; healthcheck?: unknown; build?: unknown }>;
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

  it('has the web service on its port, with no database or broker, calling each service by its compose name and port', () => {
    const web = compose.services[WEB_SERVICE.name] as (typeof compose.services)[string] & { profiles?: string[] };
    expect(web?.build).toBe('.');
    expect(web?.healthcheck).toEqual(compose.services['timeline']?.healthcheck);
    const env = web.environment ?? {};
    expect(env['SERVICE']).toBe('web');
    expect(Number(env['PORT'])).toBe(WEB_SERVICE.port);
    expect(web.ports).toEqual([`${WEB_SERVICE.port}:${WEB_SERVICE.port}`]);
    expect(env['DATABASE_URL']).toBeUndefined();
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

  it('declares no service the run command does not start', () => {
    const appServices = Object.keys(compose.services).filter((n) => !['postgres', 'kafka', 'eventstore'].includes(n));
    expect(appServices.sort()).toEqual([...SERVICES, WEB_SERVICE].map((s) => s.name).sort());
  });
});
