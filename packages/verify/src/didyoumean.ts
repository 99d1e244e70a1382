/** terraform's "Did you mean" rule lives with the language model (configs); re-exported for verify's checks. */
export { nameSuggestion } from '@tfpairs/configs/didyoumean';
