export * from './stage';
export * from './engine';
export * from './runner';
export * from './tfjson';
export * from './verdict';
export { removeAllLive, liveCount } from './cleanup';
export * from './fidelity';
