import { describeServiceHealth } from '@tio/testing';
import { caseService } from './service';

describeServiceHealth(caseService, { paths: ['/cases', '/cases/{caseId}', '/cases/{caseId}/decision-to-assess', '/cases/{caseId}/final-plan'] });
