/** The parts of @tfpairs/lang's value model (convert.ts) the functions use, in one place. */
export { convert, unify, ConversionError, mismatchMessage, formatConversionError } from '../convert';
