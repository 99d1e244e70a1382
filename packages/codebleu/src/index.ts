export * from './codebleu';
export { bleuStats, weightedNgramStats, ngramScore, brevityPenalty, MAX_ORDER, type NgramStats } from './bleu';
export { dataflowEdges, normaliseDataflow, dataflowMatchCounts, traversalName, type DataflowEdge } from './dataflow';
export { subtreeSexps, syntaxMatchCounts } from './syntax';
export { HCL_KEYWORDS } from './keywords';
export { whitespaceTokens } from './tokens';
