import { describeServiceHealth } from '@tio/testing';
import { educationService } from './service';

describeServiceHealth(educationService, { paths: ['/cases/{caseId}/advice', '/cases/{caseId}/advice-requests'] });
