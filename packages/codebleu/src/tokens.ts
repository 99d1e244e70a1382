/**
 * Python's `str.split()` with no argument: runs of whitespace separate tokens, leading and trailing
 * whitespace gives no empty token. CodeXGLUE tokenises code this way for both n-gram components.
 * The class is Python's `str.isspace()` set (it includes the ASCII separators U+001C..U+001F and U+0085,
 * which JavaScript's `\s` lacks, and excludes U+FEFF, which `\s` includes).
 */
const PY_WHITESPACE = /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

export function whitespaceTokens(text: string): string[] {
  return text.split(PY_WHITESPACE).filter((t) => t.length > 0);
}
