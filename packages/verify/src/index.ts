export * from './stage';
export * from './syntax';
