export * from './stage';
export { extractCode, normaliseFindingOf, type Extraction, type NormaliseFinding } from './extract';
export { formatHcl, type FormatResult } from './fmt';
export { stripComments } from './strip-comments';
export { normaliseAnswer, type NormaliseOptions, type NormalisedAnswer } from './normalise';
