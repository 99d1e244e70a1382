export * from './stage';
export { scrubText, replaceKnownSecrets, type ScrubFinding, type ScrubOptions, type ScrubResult } from './scrub';
export { looksSecret, sensitiveKind, isObviouslyFake, type SecretKind } from './rules';
