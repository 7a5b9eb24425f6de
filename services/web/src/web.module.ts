import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PageServerModule } from '@tio/service-kit';
import { AuditApi } from './audit/audit-api';
import { AuditPagesController } from './audit/audit-pages.controller';
import { AUDIT_QUERY_HANDLERS } from './audit/audit-queries';
import { AuthController } from './auth/auth.controller';
import { CitizenOidcClient } from './auth/citizen-oidc';
import { OidcClient } from './auth/oidc';
import { SessionMiddleware } from './auth/session.middleware';
import { SESSION_STORE_PROVIDER } from './auth/session-store.provider';
import { webConfig } from './config';
import { PagesController } from './pages.controller';
import { WEB_QUERY_HANDLERS } from './queries';
import { Renderer } from './render';
import { TimelineApi } from './timeline-api';
import { WEB_CONFIG } from './tokens';
import { AgencyApi } from './worklist/agency-api';
import { WorklistController } from './worklist/worklist.controller';
import { LiveController } from './case-page/live.controller';
import { WORKLIST_HANDLERS } from './worklist/worklist.queries';
import { FamilyApi } from './family/family-api';
import { FamilyController } from './family/family.controller';
import { AssessmentRequestController } from './family/assessment-request.controller';
import { PublicRequestApi } from './family/public-request-api';
import { CaseApi, CaseOfficerHandler } from './case-page/case-api';
import { CasePageView } from './case-page/case-page-view';
import { CaseworkerFormsController } from './case-page/caseworker-forms.controller';

/** The practitioners' web service: it reads the services' APIs as the signed-in user; its own database (DATABASE_URL), if any, holds only sessions. Its /metrics and JSON logs are service-kit's (PageServerModule). */
@Module({
  imports: [CqrsModule.forRoot(), PageServerModule],
  controllers: [AuthController, PagesController, WorklistController, AuditPagesController, LiveController, FamilyController, AssessmentRequestController, CaseworkerFormsController],
  providers: [
    { provide: WEB_CONFIG, useFactory: () => webConfig() },
    SESSION_STORE_PROVIDER,
    OidcClient,
    CitizenOidcClient,
    Renderer,
    TimelineApi,
    ...WEB_QUERY_HANDLERS,
    AuditApi,
    ...AUDIT_QUERY_HANDLERS,
    AgencyApi,
    ...WORKLIST_HANDLERS,
    FamilyApi,
    PublicRequestApi,
    CaseApi,
    CaseOfficerHandler,
    CasePageView,
  ],
})
export class WebModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(SessionMiddleware).forRoutes(AuthController, PagesController, WorklistController, AuditPagesController, LiveController, FamilyController, AssessmentRequestController, CaseworkerFormsController);
  }
}
