import type { Command } from '@tfpairs/core';

/** PLACEHOLDERS (issue 9). */
export const auditCommand: Command = async (_argv, io) => {
  io.stderr.write('tfpairs audit: not implemented yet\n');
  return 1;
};
export const reportCommand: Command = async (_argv, io) => {
  io.stderr.write('tfpairs report: not implemented yet\n');
  return 1;
};
export const compareCommand: Command = async (_argv, io) => {
  io.stderr.write('tfpairs compare: not implemented yet\n');
  return 1;
};
