export * from './dedup';
export * from './gate';
