import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The monorepo root: the nearest folder above this file that holds nx.json. */
export function workspaceRoot(start: string = __dirname): string {
  let dir = start;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`nx.json not found above ${start}`);
    dir = parent;
  }
  return dir;
}

/** Git-ignored folder for downloaded jars, database files and broker logs. */
export function localStateDir(...parts: string[]): string {
  return join(process.env['TIO_LOCAL_DIR'] ?? join(workspaceRoot(), '.local'), ...parts);
}
