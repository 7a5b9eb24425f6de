import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { workspaceRoot } from '@tio/local-infra';

// The rules that keep the code in layers (eslint.config.mjs): services talk through Kafka events, never through each
// other's code; each layer imports only the layers below it; test helpers stay out of production code.
// Every probe is linted with ESLint's API as if it were the file at its path (`lintText` with that file name): the
// rule finds the probe's project from the path, so nothing is written into the working tree. All probes go through
// one ESLint process, run with Node outside Jest (ESLint loads its ESM config with a native `import()`).

interface Probe {
  path: string;
  code: string;
}
interface LintError {
  ruleId: string | null;
  message: string;
}

const importing = (path: string, specifier: string, name: string): Probe => ({
  path,
  code: `import { ${name} } from '${specifier}';\nexport const probe = ${name};\n`,
});

const SERVICE_IMPORTS_SERVICE = importing('services/case/src/boundary-probe.ts', '../../education/src/service', 'educationService');
const LIBRARY_IMPORTS_SERVICE = importing('libs/service-kit/src/boundary-probe.ts', '../../../services/case/src/service', 'caseService');
const SERVICE_IMPORTS_LIBRARY = importing('services/case/src/boundary-probe.ts', '@tio/service-kit', 'serviceConfig');

// [case, probe, the layer of the importing project]. An upward import that closes a cycle (infrastructure importing
// an application kit, say) fails as a circular dependency before the layer rule is reached, so these pairs have no
// path back.
const LAYER_VIOLATIONS: Array<[string, Probe, string]> = [
  ['a domain library imports infrastructure', importing('libs/ehc-domain/src/boundary-probe.ts', '@tio/event-store', 'PostgresEventStore'), 'layer:domain'],
  ['a domain library imports authentication', importing('libs/transfer-domain/src/boundary-probe.ts', '@tio/auth', 'principalFromClaims'), 'layer:domain'],
  ['the kernel imports infrastructure', importing('libs/kernel/src/boundary-probe.ts', '@tio/local-infra', 'workspaceRoot'), 'layer:kernel'],
  ['the contracts import infrastructure', importing('libs/contracts/src/boundary-probe.ts', '@tio/event-store', 'PostgresEventStore'), 'layer:contracts'],
  ['infrastructure imports the domain', importing('libs/personal-data/src/boundary-probe.ts', '@tio/ehc-domain', 'ehcCaseDecider'), 'layer:infra'],
  ['production code imports the test layer (@tio/testing)', importing('services/health/src/boundary-probe.ts', '@tio/testing', 'waitFor'), 'layer:service'],
  ['a domain spec imports infrastructure (test code keeps the layers)', importing('libs/ehc-domain/src/boundary-probe.spec.ts', '@tio/event-store', 'PostgresEventStore'), 'layer:domain'],
];

const LAYER_ALLOWED: Array<[string, Probe]> = [
  ['a domain library imports another domain library', importing('libs/advice-domain/src/boundary-probe.ts', '@tio/ehc-domain', 'ehcCaseDecider')],
  ['a domain library imports the kernel', importing('libs/ehc-domain/src/boundary-probe.ts', '@tio/kernel', 'ACTOR_AGENCIES')],
  ['the contracts import the domain', importing('libs/contracts/src/boundary-probe.ts', '@tio/ehc-domain', 'ADVICE_TYPES')],
  ['infrastructure imports the contracts', importing('libs/messaging/src/boundary-probe.ts', '@tio/contracts', 'integrationEvents')],
  ['an application kit imports infrastructure', importing('libs/event-sourcing/src/boundary-probe.ts', '@tio/event-store', 'PostgresEventStore')],
  ['a service imports an application kit', importing('services/health/src/boundary-probe.ts', '@tio/agency-kit', 'AgencyAdviceModule')],
  ['a spec imports the test layer', importing('services/health/src/boundary-probe.spec.ts', '@tio/testing', 'waitFor')],
  ['an e2e spec imports a testing entry point', importing('services/health/src/boundary-probe.e2e.spec.ts', '@tio/agency-kit/testing', 'TestBus')],
  ['a domain spec imports the domain testing entry point', importing('libs/advice-domain/src/boundary-probe.spec.ts', '@tio/ehc-domain/testing', 'DeciderSpecification')],
  ['a test helper imports the test layer', importing('libs/agency-kit/src/testing/boundary-probe.ts', '@tio/testing', 'tokenFor')],
];

const TESTING_ENTRY_POINTS_IN_PRODUCTION: Array<[string, Probe]> = [
  ['@tio/ehc-domain/testing', importing('libs/advice-domain/src/boundary-probe.ts', '@tio/ehc-domain/testing', 'DeciderSpecification')],
  ['@tio/agency-kit/testing', importing('services/health/src/boundary-probe.ts', '@tio/agency-kit/testing', 'TestBus')],
  ['./testing (its own, by a relative path)', importing('libs/agency-kit/src/boundary-probe.ts', './testing', 'TestBus')],
];

const PROBES: Probe[] = [
  SERVICE_IMPORTS_SERVICE,
  LIBRARY_IMPORTS_SERVICE,
  SERVICE_IMPORTS_LIBRARY,
  ...LAYER_VIOLATIONS.map(([, probe]) => probe),
  ...LAYER_ALLOWED.map(([, probe]) => probe),
  ...TESTING_ENTRY_POINTS_IN_PRODUCTION.map(([, probe]) => probe),
];

const LINT_PROBES = `
const { ESLint } = require('eslint');
const probes = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
(async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const errors = [];
  for (const probe of probes) {
    const [result] = await eslint.lintText(probe.code, { filePath: probe.path });
    errors.push(result.messages.filter((m) => m.severity === 2).map((m) => ({ ruleId: m.ruleId, message: m.message })));
  }
  process.stdout.write('\\n' + JSON.stringify(errors) + '\\n');
})().catch((err) => { console.error(err); process.exit(1); });
`;

describe('module boundaries (@nx/enforce-module-boundaries)', () => {
  const root = workspaceRoot();
  const env = { ...process.env, NX_DAEMON: 'false' };
  const errorsByProbe = new Map<Probe, LintError[]>();

  beforeAll(() => {
    // Without a cached project graph the Nx rule skips itself with a warning: make sure there is a fresh one.
    const graph = spawnSync(join(root, 'node_modules/.bin/nx'), ['show', 'projects'], { cwd: root, encoding: 'utf8', env });
    expect(graph.status).toBe(0);
    const lint = spawnSync(process.execPath, ['-e', LINT_PROBES], { cwd: root, encoding: 'utf8', env, input: JSON.stringify(PROBES) });
    if (lint.status !== 0) throw new Error(`linting the probes failed: ${lint.stderr}`);
    const lastLine = lint.stdout.trim().split('\n').pop() as string;
    const errors = JSON.parse(lastLine) as LintError[][];
    PROBES.forEach((probe, i) => errorsByProbe.set(probe, errors[i]));
  }, 180_000);

  const lintErrors = (probe: Probe): LintError[] => errorsByProbe.get(probe) as LintError[];

  it('fails when a service imports another service', () => {
    expect(lintErrors(SERVICE_IMPORTS_SERVICE).map((e) => e.message).join('\n')).toContain('Projects cannot be imported by a relative or absolute path');
  });

  it('fails when a library imports a service', () => {
    expect(lintErrors(LIBRARY_IMPORTS_SERVICE).map((e) => e.ruleId)).toContain('@nx/enforce-module-boundaries');
  });

  it('passes when a service imports a library through its alias', () => {
    expect(lintErrors(SERVICE_IMPORTS_LIBRARY)).toEqual([]);
  });

  it.each(LAYER_VIOLATIONS)('fails when %s', (_case, probe, sourceLayer) => {
    expect(lintErrors(probe)).toEqual([
      {
        ruleId: '@nx/enforce-module-boundaries',
        message: expect.stringContaining(`A project tagged with "${sourceLayer}" can only depend on libs tagged with`),
      },
    ]);
  });

  it.each(LAYER_ALLOWED)('passes when %s', (_case, probe) => {
    expect(lintErrors(probe)).toEqual([]);
  });

  it.each(TESTING_ENTRY_POINTS_IN_PRODUCTION)('fails when production code imports the testing entry point %s', (_case, probe) => {
    expect(lintErrors(probe)).toEqual([{ ruleId: 'no-restricted-imports', message: expect.stringContaining('Test helpers are for tests') }]);
  });
});
