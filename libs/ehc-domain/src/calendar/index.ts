export * from './calendar';
export * from './bank-holidays';
