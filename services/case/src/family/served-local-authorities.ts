/**
 * The councils (GSS codes, with their names) a family may send a request for an assessment to through the public
 * route: the councils this deployment serves, from SERVED_LOCAL_AUTHORITIES (`E10000028=Staffordshire County
 * Council,E10000029=Suffolk County Council`). A request to any other code is refused (400 naming `localAuthority`),
 * so nobody's request goes to a council that does not use the service. Unset: the five councils of the development
 * system and the demo.
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

/** Reads SERVED_LOCAL_AUTHORITIES; a malformed entry stops the service at start with a message naming it. */
export function servedLocalAuthorities(env: NodeJS.ProcessEnv = process.env): ReadonlyMap<string, string> {
  const value = env['SERVED_LOCAL_AUTHORITIES']?.trim();
  if (!value) return DEVELOPMENT_LOCAL_AUTHORITIES;
  const served = new Map<string, string>();
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [code = '', ...name] = entry.split('=');
    const gss = code.trim();
    if (!GSS_CODE.test(gss) || !name.join('=').trim()) {
      throw new ServedLocalAuthoritiesError(`SERVED_LOCAL_AUTHORITIES: "${entry}" is not CODE=Name with an English local authority's GSS code (e.g. E10000028=Staffordshire County Council)`);
    }
    served.set(gss, name.join('=').trim());
  }
  if (!served.size) throw new ServedLocalAuthoritiesError('SERVED_LOCAL_AUTHORITIES names no council');
  return served;
}
