/** The services the run command starts, their default ports and the variable that overrides each port. */
export interface ServiceEntry {
  name: string;
  port: number;
  portVariable: string;
  database: string;
  what: string;
}

// each port variable is named in full, so a search for a documented variable finds where it is read
const entry = (name: string, port: number, portVariable: string, what: string): ServiceEntry => ({
  name,
  port,
  portVariable,
  database: `tio_${name.replace(/-/g, '_')}`,
  what,
});

export const SERVICES: ServiceEntry[] = [
  entry('timeline', 3000, 'TIMELINE_PORT', 'shared case timeline: API and practitioners\' page'),
  entry('case', 3001, 'CASE_PORT', 'EHC needs assessment lifecycle and statutory clock (LA SEND team)'),
  entry('education', 3002, 'EDUCATION_PORT', 'education advice (schools, educational psychology)'),
  entry('health', 3003, 'HEALTH_PORT', 'health advice (NHS bodies)'),
  entry('social-care', 3004, 'SOCIAL_CARE_PORT', 'social care advice'),
  entry('audit', 3005, 'AUDIT_PORT', 'audit: replay, point-in-time views, integrity'),
];

/**
 * The practitioners' web service: no Kafka and no events of its own (it reads the services' APIs as the signed-in
 * user); its database (tio_web) holds only the sessions, so a restart keeps them and replicas share them. It is not
 * one of SERVICES (the compose and image checks cover it apart); the run command starts it last.
 */
export const WEB_SERVICE: ServiceEntry = entry('web', 3006, 'WEB_PORT', "pages for practitioners, auditors and families: caseload, worklist, case, audit, Your case");

/** The development OpenID provider `npm start` runs in-process for the web service's sign-in. */
export const DEV_OIDC_PORT = { port: 3007, portVariable: 'DEV_OIDC_PORT' };
/** The development citizen identity provider (families' sign-in, in place of GOV.UK One Login), also in-process. */
export const DEV_CITIZEN_OIDC_PORT = { port: 3008, portVariable: 'DEV_CITIZEN_OIDC_PORT' };
