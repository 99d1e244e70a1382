import type { Command } from '@tfpairs/core';

/** PLACEHOLDER (issue 4): `tfpairs fmt` with terraform's flags. */
export const fmtCommand: Command = async (_argv, io) => {
  io.stderr.write('tfpairs fmt: not implemented yet\n');
  return 1;
};
