import type { Command } from '@tfpairs/core';

/** PLACEHOLDER (issue 6): `tfpairs scrub [-json] PATH|-`. */
export const scrubCommand: Command = async (_argv, io) => {
  io.stderr.write('tfpairs scrub: not implemented yet\n');
  return 1;
};
