export * from './types';
export * from './value';
export * from './function';
export * from './convert';
export * from './eval';
export * from './scope';
export * from './typeexpr';
export * from './locals';
