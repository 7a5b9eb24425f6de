// Test helpers (`@tio/ehc-domain/testing`), apart from the domain's entry point so that no production code loads them.
export * from './decider-specification';
