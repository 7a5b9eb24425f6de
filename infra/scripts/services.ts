/** The services the run command starts, their default ports and the variable that overrides each port. */
export interface ServiceEntry {
  name: string;
  port: number;
  portVariable: string;
  database: string;
  what: string;
}

const entry = (name: string, port: number, what: string): ServiceEntry => ({
  name,
  port,
  portVariable: `${name.replace(/-/g, '_').toUpperCase()}_PORT`,
  database: `tio_${name.replace(/-/g, '_')}`,
  what,
});

export const SERVICES: ServiceEntry[] = [
  entry('timeline', 3000, 'shared case timeline: API and practitioners\' page'),
  entry('case', 3001, 'EHC needs assessment lifecycle and statutory clock (LA SEND team)'),
  entry('education', 3002, 'education advice (schools, educational psychology)'),
  entry('health', 3003, 'health advice (NHS bodies)'),
  entry('social-care', 3004, 'social care advice'),
  entry('audit', 3005, 'audit: replay, point-in-time views, integrity'),
];
