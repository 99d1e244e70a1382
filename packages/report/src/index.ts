export * from './html';
export * from './audit';
export * from './compare';
export * from './metrics';
export * from './output';
export * from './story';
export { renderChart } from './charts';
