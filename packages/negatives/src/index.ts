export { negativesFor, operatorWeights, raisesExactly, summaryKind, REAL_DRAFT_ERRORS, type Negative, type NegativeMix, type NegativesOptions, type NegativesResult } from './negatives';
export { OPERATORS, OPERATOR_SUMMARY, nearMisses, type Operator } from './operators';
export { driftTable, type DriftTable } from './drift';
export { negativesStage, negativesConfigOf, NEGATIVES_VERSION } from './stage';
