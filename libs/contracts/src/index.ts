export * from './topics';
export * from './json-schema';
export * from './registry';
export * from './envelope';
export * from './compatibility';
export * from './asyncapi';
export * from './published';
export * from './events';
