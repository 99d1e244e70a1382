export * from './syntax';
export * from './tree';
export * from './source';
