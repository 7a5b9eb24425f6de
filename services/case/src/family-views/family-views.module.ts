import { AgencyAdviceModule } from '@tio/agency-kit';
import { FamilyViewsAccess } from './family-views-access';

/**
 * Section A of a plan: the views, interests and aspirations of the child and family, recorded as `parent-views`
 * advice (reg 6(1)(a)) of agency `local-authority` by the family's caseworker, a case officer or an advocate of the
 * responsible LA, through the agency kit's advice API hosted in the case service. The kit forwards the `advice`
 * streams to `tio.case.events.v1` (checkpoint `forwarder-case-advice`); the reaction `AdviceHeldHere` records
 * "advice received" on the case from the service's own store.
 */
export const FamilyViewsModule = AgencyAdviceModule.hostedIn({
  agency: 'local-authority',
  service: 'case',
  writerRoles: ['practitioner', 'case-officer'],
  access: FamilyViewsAccess,
  // a linked family member who may act gives, corrects and withdraws the family's views themselves (family/family.controller.ts)
  familyWriters: true,
});
