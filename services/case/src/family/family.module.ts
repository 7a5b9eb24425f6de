import { loadOrganisationDirectory, OrganisationDirectory } from '@tio/service-kit';
import { FAMILY_QUERY_HANDLERS } from './family-queries';
import { FAMILY_COMMAND_HANDLERS } from './family.commands';
import { FamilyStore } from './family-store';
import { FamilyActionsController, FamilyEntryController, FamilyLinksController } from './family.controller';
import { FamilyService } from './family.service';
import { PublicRequestService } from './public-request.service';
import { GetPublicRequestFormHandler } from './public-request-form.query';

/**
 * The family on the case (issue #21): invitations and links, the young person's rights, the family's own acts and
 * reads. Registered in CaseModule itself, beside the family-views kit (its AdviceCommands) and the notifications
 * module (the invitation delivery port): a module of its own would import the kit a second time.
 */
export const FAMILY_CONTROLLERS = [FamilyLinksController, FamilyActionsController, FamilyEntryController];
export const FAMILY_PROVIDERS = [
  // reference data: the school section I of the family's plan names, by name (ORGANISATION_DIRECTORY); a bad file stops the start
  { provide: OrganisationDirectory, useFactory: () => loadOrganisationDirectory() },
  FamilyStore, FamilyService, PublicRequestService, ...FAMILY_COMMAND_HANDLERS, ...FAMILY_QUERY_HANDLERS, GetPublicRequestFormHandler,
];
