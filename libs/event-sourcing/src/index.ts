export * from './decider';
export * from './pipeline/ids';
export * from './pipeline/errors';
export * from './pipeline/run-command';
export * from './pipeline/aggregate';
export * from './pipeline/request-context';
export * from './event-store.module';
export * from './messaging.module';
