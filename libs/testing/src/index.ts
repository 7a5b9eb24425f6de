export * from './test-service';
export * from './tokens';
