import { READ_AHEAD_BATCHES, type RunContext } from '@tfpairs/core';
import { DEFAULT_BATCH_SIZE } from '@tfpairs/core/workers';
import { filesOfCode } from '@tfpairs/configs/fileset';
import { buildPlan, type BuildPlanResult } from '@tfpairs/plan';
import { userSchemaFiles } from '@tfpairs/verify/stage';

declare module '@tfpairs/core' {
  interface RunServices {
    /** plans of the last few configurations: the intent and security steps plan the same artifact */
    recentPlans?: Map<string, Promise<BuildPlanResult>>;
  }
}

/**
 * How many plans are kept. A record's intent and security steps are a bounded number of records apart:
 * in one thread a concurrent window of a few; on the step pool the two segments' read-ahead windows of
 * its lane (READ_AHEAD_BATCHES batches each), with a plan per artifact (gold and a draft): 2 x 2 x 32
 * = 128 with the defaults. A bound catches the repeat and keeps memory flat on large corpora.
 */
const RECENT = 2 * 2 * READ_AHEAD_BATCHES * DEFAULT_BATCH_SIZE;

/**
 * The offline plan of one configuration, built once for the steps that read it. A file set is planned
 * as the module tree its files make: its local modules are the plan's `child_modules`.
 */
export function planOf(ctx: RunContext, code: string): Promise<BuildPlanResult> {
  const recent = (ctx.services.recentPlans ??= new Map());
  const hit = recent.get(code);
  if (hit) return hit;
  const files = filesOfCode(code).map((f) => ({ name: f.path, text: f.text }));
  const plan = buildPlan({ files }, { schemaFiles: [...userSchemaFiles(ctx)] });
  recent.set(code, plan);
  if (recent.size > RECENT) recent.delete(recent.keys().next().value!);
  return plan;
}
