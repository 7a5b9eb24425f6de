import { describeServiceHealth } from '@tio/testing';
import { auditService } from './service';
import { createStores, type TestStores } from './testing/fixtures';

let stores: TestStores | undefined;
describeServiceHealth(auditService, {
  paths: ['/cases/{caseId}/history', '/cases/{caseId}/as-of', '/integrity', '/access-log'],
  env: async () => {
    stores = await createStores(['case']);
    return { AUDIT_EVENT_STORES: stores.env };
  },
  cleanup: async () => stores?.close(),
});
