export * from './errors';
export * from './workspace';
export * from './ports';
export * from './postgres';
export * from './kafka';
export * from './local-infra';
export * from './shutdown';
export * from './mail';
