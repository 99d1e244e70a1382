import type { Command } from '@tfpairs/core';

/** PLACEHOLDER (issue 8): `tfpairs fidelity --sandbox-image IMG PATH...`. */
export const fidelityCommand: Command = async (_argv, io) => {
  io.stderr.write('tfpairs fidelity: not implemented yet\n');
  return 1;
};
