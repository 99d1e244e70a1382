import type { Command } from '@tfpairs/core';

/** PLACEHOLDER (issue 5): `tfpairs validate [-json] [-schema FILE]... [PATH...]`. */
export const validateCommand: Command = async (_argv, io) => {
  io.stderr.write('tfpairs validate: not implemented yet\n');
  return 1;
};
