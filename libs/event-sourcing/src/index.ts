export * from './decider';
export * from './command-handler';
export * from './event-store.module';
export * from './messaging.module';
