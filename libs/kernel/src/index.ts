// The shared kernel: the few types every layer agrees on. It depends on nothing.
export * from './agency';
export * from './actor';
export * from './domain-error';
export * from './erasure';
