export { CompiledPolicy, compilePolicy, errorJSON, RegoError, type CompileOptions, type PolicyFile, type QueryOptions, type QueryResult, type RegoErrorJSON } from './engine';
export { compileIntent, evaluateIntent, inputReadsOf, type InputRead, type IntentOptions, type IntentResult } from './intent';
export { toJSON, type Value } from './value';
