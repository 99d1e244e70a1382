export * from './stage';
export * from './security';
