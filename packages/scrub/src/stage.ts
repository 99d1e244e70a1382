import { passThrough, type StageFactory } from '@tfpairs/core';

export const SCRUB_VERSION = '0.0.0';

/** PLACEHOLDER (issue 6): replace credentials by placeholders that keep HCL valid. */
export const scrubStage: StageFactory = () => passThrough;
