import { passThrough, type StageFactory } from '@tfpairs/core';

export const GENERATE_VERSION = '0.0.0';

/** PLACEHOLDER (issue 7): draft a baseline candidate per prompt with `generate.model`. */
export const generateStage: StageFactory = () => passThrough;
/** PLACEHOLDER (issue 7): multi-turn self-correction of failing gold and candidates. */
export const repairStage: StageFactory = () => passThrough;
/** PLACEHOLDER (issue 7): TF-Mutn change requests and changed configurations. */
export const mutateStage: StageFactory = () => passThrough;
