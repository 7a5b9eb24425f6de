// Test helpers for agency services (`@tio/agency-kit/testing`), apart from the kit itself so that no service's
// production code loads them (they need supertest and the test infrastructure, which a production install lacks).
export * from './test-bus';
export * from './case-fixtures';
export * from './census';
