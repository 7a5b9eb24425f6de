export * from './envelope';
export * from './policy';
export * from './key-store';
export * from './personal-data-event-store';
export * from './retention';
export * from './dead-letter-seal';
