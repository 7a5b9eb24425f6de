import { describeServiceHealth } from '@tio/testing';
import { socialCareService } from './service';

describeServiceHealth(socialCareService, { paths: ['/cases/{caseId}/advice', '/cases/{caseId}/social-care-assessments'] });
