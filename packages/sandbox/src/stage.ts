import { passThrough, type StageFactory } from '@tfpairs/core';

export const SANDBOX_VERSION = '0.0.0';

/** PLACEHOLDER (issue 8): real terraform in a Docker sandbox when `sandbox.mode` is `docker`. */
export const sandboxStage: StageFactory = () => passThrough;
