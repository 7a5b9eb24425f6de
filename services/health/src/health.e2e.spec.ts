import { describeServiceHealth } from '@tio/testing';
import { healthService } from './service';

describeServiceHealth(healthService, { paths: ['/cases/{caseId}/advice', '/cases/{caseId}/commissioning-body'] });
