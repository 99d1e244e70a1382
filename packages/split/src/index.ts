import { createHash } from 'node:crypto';
import { mapKept, normalisePrompt, updateRecord, type RunContext, type Split, type Stage } from '@tfpairs/core';

export const SPLIT_VERSION = '0.1.0';

export interface SplitShares {
  readonly train: number;
  readonly val: number;
  readonly test: number;
  readonly salt?: string;
}

/**
 * A prompt's position in [0, 1): the first 52 bits of sha256(salt + normalised prompt).
 * It depends on nothing but the prompt, so a prompt's split never moves when records are added or removed.
 */
export function promptUnit(prompt: string, salt = ''): number {
  const digest = createHash('sha256').update(`${salt}\u0000${normalisePrompt(prompt)}`, 'utf8').digest();
  // 52 bits fit a double exactly
  const hi = digest.readUInt32BE(0);
  const lo = digest.readUInt32BE(4) >>> 12;
  return (hi * 2 ** 20 + lo) / 2 ** 52;
}

export function assignSplit(prompt: string, shares: SplitShares): Split {
  const u = promptUnit(prompt, shares.salt ?? '');
  if (u < shares.train) return 'train';
  if (u < shares.train + shares.val) return 'val';
  return 'test';
}

/** Assigns train/val/test to every kept record by the hash of its prompt. */
export function splitStage(ctx: RunContext): Stage {
  const shares = ctx.config.split;
  return mapKept('split', SPLIT_VERSION, (record) => updateRecord(record, { split: assignSplit(record.prompt, shares) }));
}
