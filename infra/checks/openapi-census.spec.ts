import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@tio/local-infra';

/**
 * Every service's OpenAPI document is checked on the running service: its census e2e ends with `openApiCensus`
 * (`@tio/testing`), which lints the served /docs/openapi.json with spectral:oas plus our rules and validates every
 * response the suite received against it, expecting no lint error and nothing undocumented. A service whose census
 * skips it fails here.
 */
describe('OpenAPI census', () => {
  const root = workspaceRoot();

  it("lints every service's served document and validates its census responses against it", () => {
    const services = readdirSync(join(root, 'services')).filter((s) => existsSync(join(root, 'services', s, 'src', 'main.ts')) && existsSync(join(root, 'services', s, 'src', 'service.ts')));
    console.log(`[census] services with an OpenAPI document: ${services.join(', ')}`);
    expect(services.length).toBeGreaterThanOrEqual(6);
    for (const s of services) {
      const spec = join(root, 'services', s, 'src', 'census.e2e.spec.ts');
      const text = existsSync(spec) ? readFileSync(spec, 'utf8') : '';
      expect(`${s}: ${/openApiCensus\(service, '[a-z-]+'\)/.test(text) && text.includes('undocumented: []')}`).toBe(`${s}: true`);
    }
  });
});
