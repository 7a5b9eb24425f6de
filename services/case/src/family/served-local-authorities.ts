import { loadOrganisationDirectory } from '@tio/service-kit';

/**
 * The councils (GSS codes, with their names) a family may send a request for an assessment to through the public
 * route: the councils this deployment serves, from SERVED_LOCAL_AUTHORITIES (`E10000028,E10000029`, or with names:
 * `E10000028=Staffordshire County Council`). A request to any other code is refused (400 naming `localAuthority`),
 * so nobody's request goes to a council that does not use the service. Unset: the five councils of the development
 * system and the demo.
 *
 * Names come from one place where there is one: the organisation directory (ORGANISATION_DIRECTORY, the JSON file
 * the timeline names organisations from, read by the one strict loader in @tio/service-kit: a malformed directory stops
 * the start); a name given in SERVED_LOCAL_AUTHORITIES is for a deployment without it.
 */
export const DEVELOPMENT_LOCAL_AUTHORITIES: ReadonlyMap<string, string> = new Map([
  ['E10000028', 'Staffordshire County Council'],
  ['E10000029', 'Suffolk County Council'],
  ['E08000025', 'Birmingham City Council'],
  ['E08000026', 'Coventry City Council'],
  ['E08000027', 'Dudley Metropolitan Borough Council'],
]);

/** A GSS code of a local authority in England (E06 unitary, E07 district, E08 metropolitan, E09 London, E10 county). */
const GSS_CODE = /^E(0[6-9]|10)\d{6}$/;

export class ServedLocalAuthoritiesError extends Error {
  override readonly name = 'ServedLocalAuthoritiesError';
}

/** Reads SERVED_LOCAL_AUTHORITIES; a malformed entry, or a council without a name, stops the service at start. */
export function servedLocalAuthorities(env: NodeJS.ProcessEnv = process.env): ReadonlyMap<string, string> {
  const value = env['SERVED_LOCAL_AUTHORITIES']?.trim();
  const directory = loadOrganisationDirectory(env);
  if (!value) return new Map([...DEVELOPMENT_LOCAL_AUTHORITIES].map(([code, name]) => [code, directory.get(code)?.name ?? name]));
  const served = new Map<string, string>();
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [code = '', ...rest] = entry.split('=');
    const gss = code.trim();
    if (!GSS_CODE.test(gss)) throw new ServedLocalAuthoritiesError(`SERVED_LOCAL_AUTHORITIES: "${entry}" does not start with an English local authority's GSS code (e.g. E10000028)`);
    const name = directory.get(gss)?.name ?? rest.join('=').trim();
    if (!name) throw new ServedLocalAuthoritiesError(`SERVED_LOCAL_AUTHORITIES: ${gss} has no name: list it in ORGANISATION_DIRECTORY or give it as ${gss}=Name`);
    served.set(gss, name);
  }
  if (!served.size) throw new ServedLocalAuthoritiesError('SERVED_LOCAL_AUTHORITIES names no council');
  return served;
}
