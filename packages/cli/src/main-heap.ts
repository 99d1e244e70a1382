/**
 * How a build knows the `tfpairs` executable started it under `--main-heap` (bin/tfpairs.js sets the
 * variable; the executable is plain JavaScript that runs before tsx, so it spells both out itself).
 */
export const MAIN_HEAP_APPLIED = 'TFPAIRS_MAIN_HEAP_MB_APPLIED';

/** node's heap limit flag, in any of its spellings. */
export const HEAP_LIMIT_FLAG = /^--max[-_]old[-_]space[-_]size\b/;

export function startedUnderMainHeap(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env[MAIN_HEAP_APPLIED]);
}
