export * from './types';
export * from './value';
export * from './function';
