export { negativesFor, operatorWeights, raisesExactly, summaryKind, REAL_DRAFT_ERRORS, type Negative, type NegativeMix, type NegativesOptions, type NegativesResult } from './negatives';
export { OPERATORS, VALIDATE_OPERATORS, OPERATOR_SUMMARY, nearMisses, type Operator, type AnyOperator } from './operators';
export { semanticNegativesFor, SEMANTIC_OPERATORS, isSemantic, type SemanticNegative, type SemanticOperator, type IntentCheck } from './semantic';
export { driftTable, type DriftTable } from './drift';
export { negativesStage, negativesConfigOf, NEGATIVES_VERSION } from './stage';
