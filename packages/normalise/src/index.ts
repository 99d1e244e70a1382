export * from './stage';
export { extractCode, fencedBlocks, normaliseFindingOf, type Extraction, type Fence, type NormaliseFinding } from './extract';
export { formatHcl, type FormatResult } from './fmt';
export { stripComments } from './strip-comments';
export { normaliseAnswer, type NormaliseOptions, type NormalisedAnswer } from './normalise';
export { withFinalNewline } from './ending';
export { isFileSet, parseFileSet, renderFileSet, type SetFile } from './fileset';
