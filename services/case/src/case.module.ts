import { Module } from '@nestjs/common';
import { EventStoreModule, PublishingModule, ReactionsModule } from '@tio/event-sourcing';
import { AGENCY_ACCESS_LOG } from '@tio/agency-kit';
import { CoreModule, involvementCheckProvider } from '@tio/service-kit';
import { CaseInvolvement } from './access/case-involvement';
import { AdviceIntake } from './advice-intake';
import { CaseCommandHandler } from './case-aggregate';
import { GetCaseHandler } from './case-queries';
import { DEFAULT_PORT } from './default-port';
import { AdviceHeldHere } from './family-views/advice-held-here.reaction';
import { FamilyViewsModule } from './family-views/family-views.module';
import { FAMILY_CONTROLLERS, FAMILY_PROVIDERS } from './family/family.module';
import { NotificationsModule } from './notifications/notifications.module';
import { AssessmentAdviceController } from './assessment-advice/assessment-advice.controller';
import { CaseController } from './http/case.controller';
import { PersonalDataController } from './personal-data/personal-data.controller';
import { PlanController } from './plan/plan.controller';
import { PLAN_QUERY_HANDLERS } from './plan/plan-queries';
import { PERSONAL_DATA_HANDLERS } from './personal-data/personal-data-bus';
import { PersonalDataErasure } from './personal-data/personal-data-erasure.service';
import { TransfersModule } from './transfers/transfers.module';

@Module({
  imports: [
    CoreModule.forService('case', DEFAULT_PORT),
    EventStoreModule.forService({ categories: ['case', 'transfer', 'transfers', 'advice'] }),
    PublishingModule.forService({ service: 'case', category: 'case' }),
    // durable reactions to the service's own events: transfer follow-ups, the family's views as advice received
    ReactionsModule.forService({ service: 'case' }),
    TransfersModule,
    // the views of the child and family: `local-authority` advice through the agency kit (its own `advice` forwarder)
    FamilyViewsModule,
    // messages to families: a ledger, its sender, the deadline job and a reaction to the case's own events
    NotificationsModule,
  ],
  // the family on the case (issue #21): invitations, links, the young person's rights, the family's own acts (family/)
  controllers: [CaseController, AssessmentAdviceController, PersonalDataController, PlanController, ...FAMILY_CONTROLLERS],
  providers: [
    CaseCommandHandler, GetCaseHandler, AdviceIntake, AdviceHeldHere, PersonalDataErasure, ...PERSONAL_DATA_HANDLERS, ...PLAN_QUERY_HANDLERS, ...FAMILY_PROVIDERS,
    // every route with :caseId (lifecycle, transfers, family views, erasure) refuses an organisation not involved in
    // the case, the same for an unknown case, and writes the attempt to the access log (the kit's agency_access_log)
    CaseInvolvement,
    involvementCheckProvider('case', [CaseInvolvement, AGENCY_ACCESS_LOG]),
  ],
})
export class CaseModule {}
