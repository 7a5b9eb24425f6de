import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { workspaceRoot } from '@tio/local-infra';
import { SERVICES } from '../scripts/services';

// Every variable in the README's configuration table must be read by the code that runs (not only by tests), so a
// documented switch cannot be a dead one. A row that says "(contract suite only)" documents a variable that only
// selects a test suite: it must be read by a test, and by no service (once one reads it, the row must say so).
const root = workspaceRoot();
const CONTRACT_SUITE_ONLY = '(contract suite only)';

interface Row {
  names: string[];
  meaning: string;
}

/** The `| variable | default | meaning |` table under "## Configuration". */
function configurationTable(readme: string): Row[] {
  const section = readme.slice(readme.indexOf('\n## Configuration\n'));
  const lines = section.split('\n');
  const header = lines.findIndex((l) => /^\|\s*variable\s*\|\s*default\s*\|\s*meaning\s*\|$/.test(l.trim()));
  if (header < 0) return [];
  const rows: Row[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split(' | ');
    const names = [...(cells[0] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1] as string);
    rows.push({ names, meaning: cells.slice(2).join(' | ') });
  }
  return rows;
}

/** Test code: specs, spec helpers, testing folders and the Jest setup. */
const isTestFile = (rel: string) => /\.spec(-helper)?\.ts$/.test(rel) || rel.split('/').includes('testing') || rel.startsWith('infra/jest/');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'dist', '.local', 'public'].includes(entry.name) ? [] : sourceFiles(path);
    return /\.(ts|cjs|mjs|js)$/.test(entry.name) ? [path] : [];
  });
}

/**
 * The variable names a file reads: string literals that are a whole variable name (`env['X']`, `requiredEnv('X')`,
 * `const VAR = 'X'`) and `process.env.X`. Comments and names inside longer strings (messages) do not count.
 */
function namesRead(path: string): Set<string> {
  const names = new Set<string>();
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, false, path.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const visit = (node: ts.Node): void => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && /^[A-Z][A-Z0-9_]+$/.test(node.text)) names.add(node.text);
    if (ts.isPropertyAccessExpression(node) && /(^|\.)env$/.test(node.expression.getText(source))) names.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

describe('the README\'s configuration table', () => {
  const rows = configurationTable(readFileSync(join(root, 'README.md'), 'utf8'));
  const readBy = { code: new Map<string, string>(), tests: new Map<string, string>() };
  for (const path of ['libs', 'services', 'infra'].flatMap((d) => sourceFiles(join(root, d)))) {
    const rel = relative(root, path);
    const kind = isTestFile(rel) ? readBy.tests : readBy.code;
    for (const name of namesRead(path)) if (!kind.has(name)) kind.set(name, rel);
  }
  // the run command builds the port variables' names from the service names and reads process.env[portVariable]
  const runSystem = readFileSync(join(root, 'infra/scripts/run-system.ts'), 'utf8');
  if (runSystem.includes('process.env[entry.portVariable]')) for (const s of SERVICES) readBy.code.set(s.portVariable, 'infra/scripts/run-system.ts (process.env[entry.portVariable])');

  it('is found, with its variables', () => {
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.filter((r) => r.names.length === 0)).toEqual([]);
  });

  it('names only variables that code outside the tests reads', () => {
    const dead = rows.filter((r) => !r.meaning.includes(CONTRACT_SUITE_ONLY)).flatMap((r) => r.names).filter((name) => !readBy.code.has(name));
    expect(dead).toEqual([]);
  });

  it(`marks a variable "${CONTRACT_SUITE_ONLY}" only while a test reads it and no service does`, () => {
    const testOnly = rows.filter((r) => r.meaning.includes(CONTRACT_SUITE_ONLY)).flatMap((r) => r.names);
    expect(testOnly.map((name) => ({ name, readByATest: readBy.tests.has(name), readByCode: readBy.code.get(name) }))).toEqual(testOnly.map((name) => ({ name, readByATest: true, readByCode: undefined })));
  });

  it('counts names the way code reads them, not in comments or inside messages', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tio-config-claims-'));
    const file = join(dir, 'probe.ts');
    writeFileSync(file, [
      '// COMMENTED_OUT is only mentioned here',
      "const limit = Number(process.env['READ_BY_INDEX'] ?? 1);",
      'const host = process.env.READ_BY_PROPERTY;',
      "export const NAME_VAR = 'READ_THROUGH_A_CONSTANT';",
      'throw new Error(`IN_A_MESSAGE must be a number, got ${limit} ${host}`);',
    ].join('\n'));
    try {
      expect([...namesRead(file)].sort()).toEqual(['READ_BY_INDEX', 'READ_BY_PROPERTY', 'READ_THROUGH_A_CONSTANT']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
