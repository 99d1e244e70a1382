import { passThrough, type StageFactory } from '@tfpairs/core';

export const NORMALISE_VERSION = '0.0.0';

/** PLACEHOLDER (issue 4): extract code from answers, terraform-fmt it, strip comments. */
export const normaliseStage: StageFactory = () => passThrough;
