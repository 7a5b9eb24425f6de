import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { workspaceRoot } from '@tio/local-infra';

/**
 * The TypeScript files that make up the running system: every lib's and service's src/, without spec files, test
 * helpers (`testing/`) or benchmarks. The census checks read these to find a part that skips a shared rule.
 */
export function systemSources(root: string = workspaceRoot()): { files: string[]; read: (file: string) => string; rel: (file: string) => string } {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return ['node_modules', 'testing', 'bench'].includes(name) ? [] : walk(path);
      return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
    });
  const files = ['libs', 'services'].flatMap((top) => readdirSync(join(root, top)).flatMap((p) => walk(join(root, top, p, 'src'))));
  return { files, read: (file) => readFileSync(file, 'utf8'), rel: (file) => relative(root, file) };
}
