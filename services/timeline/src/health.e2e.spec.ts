import { describeServiceHealth } from '@tio/testing';
import { timelineService } from './service';

describeServiceHealth(timelineService, { paths: ['/cases', '/cases/{caseId}/timeline', '/cases/{caseId}/status'] });
