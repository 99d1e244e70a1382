export * from './types';
export * from './value';
export * from './function';
export * from './convert';
