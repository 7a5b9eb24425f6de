import type { ActorAgency } from './agency';

/** Who caused an event: the person, their organisation and agency, and the role they acted in. */
export interface Actor {
  userId: string;
  organisationId: string;
  agency: ActorAgency;
  role: string;
}
