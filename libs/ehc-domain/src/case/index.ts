export * from './advice-types';
export * from './events';
export * from './commands';
export * from './errors';
export * from './state';
export * from './time-limits';
export * from './decide';
export * from './exceptions';
