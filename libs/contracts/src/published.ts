import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonSchema } from './json-schema';
import type { EventTypeRegistry } from './registry';

/** Where the schema of every published event version is frozen, one file per `<type>.json`. */
export const PUBLISHED_SCHEMAS_DIR = join(__dirname, '..', 'schemas', 'published');
export const ASYNCAPI_FILE = join(__dirname, '..', 'asyncapi.yaml');

export function readPublishedSchemas(dir = PUBLISHED_SCHEMAS_DIR): Map<string, JsonSchema> {
  const out = new Map<string, JsonSchema>();
  if (!existsSync(dir)) return out;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    out.set(file.slice(0, -'.json'.length), JSON.parse(readFileSync(join(dir, file), 'utf8')) as JsonSchema);
  }
  return out;
}

/** Freezes the schema of every registered version that has no snapshot yet. Existing snapshots are never touched. */
export function snapshotNewVersions(registry: EventTypeRegistry, dir = PUBLISHED_SCHEMAS_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const t of registry.all()) {
    const file = join(dir, `${t.type}.json`);
    if (existsSync(file)) continue;
    writeFileSync(file, JSON.stringify(t.schema, null, 2) + '\n');
    written.push(t.type);
  }
  return written;
}
