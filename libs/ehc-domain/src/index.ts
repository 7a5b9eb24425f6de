export * from './calendar';
export * from './case';
export * from './clock/statutory-clock';
