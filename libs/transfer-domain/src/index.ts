export * from './events';
export * from './errors';
export * from './decider';
export * from './clock';
export * from './register';
