import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { accessLogDenials, caseRouteCensus, testCitizenSubject, tokenFor, type CaseRouteCensusRow, type TestService } from '@tio/testing';
import type { AdviceAgency } from '../options';
import { AGENCY_ACCESS_LOG_TABLE } from '../access/case-reads';
import { publishAdviceRequest } from './case-fixtures';
import { eventually, type TestBus } from './test-bus';

/**
 * The route census of an agency service (the kit's routes and the agency's own): a case whose request names one
 * organisation as adviser, walked by a practitioner of the same agency from another organisation (past every role
 * and agency check, so only involvement can refuse). The family's routes (`/family/`, for family members only) are
 * walked by a signed-in family member not linked to the case.
 */
export async function agencyRouteCensus(service: TestService, bus: TestBus, agency: AdviceAgency, adviceType: string): Promise<CaseRouteCensusRow[]> {
  const named = await publishAdviceRequest(bus, { agency, adviceType, adviserRef: 'ORG-NAMED' });
  const adviser = await tokenFor({ agency, roles: ['practitioner'], organisationId: 'ORG-NAMED', userId: 'named-adviser' });
  await eventually('the named request', async () => (await request(service.server).get(`/cases/${named.caseId}/advice-requests`).set('Authorization', `Bearer ${adviser}`)).status === 200);
  const strangerToken = await tokenFor({ agency, roles: ['practitioner'], organisationId: 'ORG-ELSEWHERE', userId: 'census-stranger' });
  const familyStranger = testCitizenSubject('census-family-stranger');
  const familyToken = await tokenFor({ agency: 'family', roles: ['family'], organisationId: 'family', userId: familyStranger });
  const denials = accessLogDenials(service.databaseUrl, AGENCY_ACCESS_LOG_TABLE.table);
  try {
    return await caseRouteCensus({
      app: service.app, existingCaseId: named.caseId, unknownCaseId: randomUUID(), strangerToken, strangerUserId: 'census-stranger',
      deniedAttempts: (caseId, userId) => denials.count(caseId, userId),
      familyStranger: { token: familyToken, userId: familyStranger, routes: (r) => r.path.includes('/family/') },
    });
  } finally {
    await denials.close();
  }
}
