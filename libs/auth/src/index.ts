export * from './claims';
export * from './verifier';
export * from './dev-keys';
export * from './guard';
export * from './auth.module';
export * from './case-scope';
export * from './challenge';
