export { evalCommand, EVAL_HELP } from './cli';
export * from './evaluate';
export * from './bootstrap';
export * from './inputs';
export * from './intent';
export { renderSummaryText, renderPairedText, METRIC_LABELS } from './render';
