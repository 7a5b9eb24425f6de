import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@tio/local-infra';

// The rule that keeps services independent: they talk through Kafka events, never through each other's code.
// Each case writes a real probe file and runs `nx lint` on its project exactly as the test command does (Nx must
// see the file in its project graph for the rule to know which project it belongs to).
describe('module boundaries (@nx/enforce-module-boundaries)', () => {
  const root = workspaceRoot();

  function lintWithProbe(project: string, probePath: string, code: string): { status: number | null; output: string } {
    const file = join(root, probePath);
    writeFileSync(file, code);
    try {
      const result = spawnSync(join(root, 'node_modules/.bin/nx'), ['lint', project, '--skip-nx-cache', '--outputStyle=static'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NX_DAEMON: 'false' },
      });
      return { status: result.status, output: `${result.stdout}${result.stderr}` };
    } finally {
      rmSync(file, { force: true });
    }
  }

  it('fails the lint run when a service imports another service', () => {
    const { status, output } = lintWithProbe(
      'case',
      'services/case/src/boundary-probe.ts',
      "import { educationService } from '../../education/src/service';\nexport const probe = educationService;\n",
    );
    expect(status).not.toBe(0);
    expect(output).toContain('Projects cannot be imported by a relative or absolute path');
  });

  it('fails the lint run when a library imports a service', () => {
    const { status, output } = lintWithProbe(
      'service-kit',
      'libs/service-kit/src/boundary-probe.ts',
      "import { caseService } from '../../../services/case/src/service';\nexport const probe = caseService;\n",
    );
    expect(status).not.toBe(0);
    expect(output).toMatch(/enforce-module-boundaries/);
  });

  it('passes when a service imports a library through its alias', () => {
    const { status, output } = lintWithProbe(
      'case',
      'services/case/src/boundary-probe.ts',
      "import { serviceConfig } from '@tio/service-kit';\nexport const probe = serviceConfig;\n",
    );
    expect(output).not.toMatch(/enforce-module-boundaries/);
    expect(status).toBe(0);
  });
});
