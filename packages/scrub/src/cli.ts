import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FlagError, parseFlags, readAll, renderFlagHelp, type Command, type FlagSpec } from '@tfpairs/core';
import { scrubText } from './scrub';

const SCRUB_FLAGS: FlagSpec[] = [
  { name: 'json', type: 'boolean', help: 'print {"text", "findings"} as JSON instead of the scrubbed text' },
  { name: 'prose', type: 'boolean', help: 'treat the input as prose (prompts, model answers), not Terraform' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

export const SCRUB_HELP = `Usage: tfpairs scrub [-json] [-prose] PATH|-

Replaces credentials (keys, tokens, passwords, private keys, URL userinfo) by typed placeholders such as
<AWS_SECRET_ACCESS_KEY> or <PASSWORD_2>, keeping the file valid HCL, and prints the result. A file with
nothing to scrub is printed unchanged. Use - to read standard input. Findings never include a secret.
Exit status: 0 on success, 1 on unusable arguments or an unreadable input.

Flags:
${renderFlagHelp(SCRUB_FLAGS, '-')}
`;

/** `tfpairs scrub [-json] PATH|-` */
export const scrubCommand: Command = async (argv, io) => {
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseFlags(argv, SCRUB_FLAGS));
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    io.stderr.write(`tfpairs scrub: ${e.message}\n\n${SCRUB_HELP}`);
    return 1;
  }
  if (values.help) {
    io.stdout.write(SCRUB_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    io.stderr.write(`tfpairs scrub: ${positionals.length ? 'give exactly one PATH' : 'missing PATH (or - for standard input)'}\n\n${SCRUB_HELP}`);
    return 1;
  }
  const target = positionals[0]!;
  let text: string;
  try {
    text = target === '-' ? await readAll(io.stdin) : await readFile(resolve(io.cwd, target), 'utf8');
  } catch (e) {
    io.stderr.write(`tfpairs scrub: cannot read ${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return 1;
  }
  const filename = target === '-' ? '<stdin>' : target;
  const result = await scrubText(text, { kind: values.prose ? 'prose' : 'hcl', filename });
  if (values.json) io.stdout.write(`${JSON.stringify({ text: result.text, findings: result.findings })}\n`);
  else io.stdout.write(result.text);
  return 0;
};
