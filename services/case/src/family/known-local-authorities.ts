/**
 * The councils (GSS codes) a family may send a request for an assessment to through this service's public route.
 * A council joins by being listed here: a request to any other code is refused (400), so nobody's request goes to a
 * council that does not use the service.
 */
export const KNOWN_LOCAL_AUTHORITIES: ReadonlyMap<string, string> = new Map([
  ['E10000028', 'Staffordshire County Council'],
  ['E10000029', 'Suffolk County Council'],
  ['E08000025', 'Birmingham City Council'],
  ['E08000026', 'Coventry City Council'],
  ['E08000027', 'Dudley Metropolitan Borough Council'],
]);
