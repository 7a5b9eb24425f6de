export * from './test-service';
export * from './tokens';
export * from './service-health.spec-helper';
export * from './waiting';
export * from './consume';
export * from './fuzz';
export * from './census';
export * from './metrics';
