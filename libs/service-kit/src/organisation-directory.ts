import { readFileSync } from 'node:fs';

/**
 * Reference data: the names of the organisations a case mentions by id (an LA's GSS code, a school's URN, an NHS
 * body's ODS code), read from the JSON file ORGANISATION_DIRECTORY names: `{ "<id>": { "name": "...", "kind": "school" } }`.
 * One loader for every service that names organisations (the timeline's family view, the case service's served
 * councils and the family's plan): strict, so a malformed entry stops the start of whichever service reads it.
 * A family is never shown a bare code: an organisation the directory does not know is described by what it is.
 */
export const ORGANISATION_KINDS = ['local-authority', 'school', 'health', 'social-care', 'other'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export interface OrganisationEntry {
  name: string;
  kind: OrganisationKind;
}

/** What an organisation is, in words, when its name is not known. */
const KIND_WORDS: Record<OrganisationKind, string> = {
  'local-authority': 'a council', school: 'a school', health: 'a health service', 'social-care': 'a social care service', other: 'another organisation',
};
/** The kind an agency's organisations are, when the directory does not say. */
const KIND_OF_AGENCY: Record<string, OrganisationKind> = { 'local-authority': 'local-authority', education: 'school', health: 'health', 'social-care': 'social-care' };

export class OrganisationDirectoryError extends Error {
  override readonly name = 'OrganisationDirectoryError';
}

export class OrganisationDirectory {
  constructor(private readonly entries: ReadonlyMap<string, OrganisationEntry> = new Map()) {}

  get size(): number {
    return this.entries.size;
  }

  get(id: string): OrganisationEntry | undefined {
    return this.entries.get(id);
  }

  /** Every known id with its name (what the family texts take as `names`). */
  names(): Readonly<Record<string, string>> {
    return Object.fromEntries([...this.entries].map(([id, e]) => [id, e.name]));
  }

  /** The organisation's name, else what it is (by its agency), never its id. */
  describe(id: string, agency?: string): string {
    const known = this.entries.get(id);
    if (known) return known.name;
    return KIND_WORDS[KIND_OF_AGENCY[agency ?? ''] ?? 'other'];
  }

  /**
   * For a reference the family must be able to act on (the school a plan names): the name, else what it is with the
   * reference the council recorded ("a school (reference urn:school:100234)"), so the family can still ask about it.
   */
  describeWithReference(id: string, agency?: string): string {
    return this.entries.has(id) ? this.describe(id, agency) : `${this.describe(id, agency)} (reference ${id})`;
  }
}

/** Parses the directory's JSON; a malformed entry is refused with its id. */
export function parseOrganisationDirectory(json: string, source = 'ORGANISATION_DIRECTORY'): OrganisationDirectory {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    throw new OrganisationDirectoryError(`${source}: not JSON (${(err as Error).message})`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new OrganisationDirectoryError(`${source}: must be an object of id -> { name, kind }`);
  const entries = new Map<string, OrganisationEntry>();
  for (const [id, value] of Object.entries(data as Record<string, unknown>)) {
    const e = value as Partial<OrganisationEntry> | null;
    if (!e || typeof e.name !== 'string' || !e.name.trim() || !ORGANISATION_KINDS.includes(e.kind as OrganisationKind)) {
      throw new OrganisationDirectoryError(`${source}: "${id}" needs a name and a kind (${ORGANISATION_KINDS.join(', ')})`);
    }
    entries.set(id, { name: e.name.trim(), kind: e.kind as OrganisationKind });
  }
  return new OrganisationDirectory(entries);
}

/** The directory ORGANISATION_DIRECTORY names (a path to a JSON file); unset: empty, so every organisation is described by what it is. */
export function loadOrganisationDirectory(env: NodeJS.ProcessEnv = process.env): OrganisationDirectory {
  const path = env['ORGANISATION_DIRECTORY']?.trim();
  if (!path) return new OrganisationDirectory();
  let json: string;
  try {
    json = readFileSync(path, 'utf8');
  } catch (err) {
    throw new OrganisationDirectoryError(`ORGANISATION_DIRECTORY: cannot read ${path} (${(err as Error).message})`);
  }
  return parseOrganisationDirectory(json, `ORGANISATION_DIRECTORY ${path}`);
}
