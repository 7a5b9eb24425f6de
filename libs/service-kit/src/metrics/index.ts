export * from './service-metrics';
export * from './consumer-metrics';
export * from './http-metrics';
export * from './metrics.controller';
export * from './metrics-text';
