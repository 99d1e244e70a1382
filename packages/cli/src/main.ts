import { processIO, TFPAIRS_VERSION, type CliIO, type Command } from '@tfpairs/core';

/** Commands load their package only when run: `tfpairs fmt` must not pay for vega or the OpenAI SDK. */
const COMMANDS: Record<string, { load: () => Promise<Command>; summary: string }> = {
  build: { load: async () => (await import('./build')).buildCommand, summary: 'ingest, normalise, scrub, verify, split and write DPO / TF-Gen / TF-Mutn corpora' },
  fmt: { load: async () => (await import('@tfpairs/normalise/cli')).fmtCommand, summary: 'format Terraform exactly as `terraform fmt` (same flags and exit codes)' },
  validate: { load: async () => (await import('@tfpairs/verify/cli')).validateCommand, summary: 'embedded `terraform validate` (same flags, JSON shape and exit codes)' },
  plan: { load: async () => (await import('@tfpairs/plan/cli')).planCommand, summary: 'offline create-only plan as `terraform show -json PLANFILE` prints it' },
  scrub: { load: async () => (await import('@tfpairs/scrub/cli')).scrubCommand, summary: 'replace credentials in Terraform by placeholders' },
  audit: { load: async () => (await import('@tfpairs/report/cli')).auditCommand, summary: 'why records were dropped or flagged, from a build output folder' },
  report: { load: async () => (await import('@tfpairs/report/cli')).reportCommand, summary: 'write a self-contained HTML report of a build output folder' },
  compare: { load: async () => (await import('@tfpairs/report/cli')).compareCommand, summary: 'compare two build outputs (baselines of two models)' },
  eval: { load: async () => (await import('@tfpairs/eval/cli')).evalCommand, summary: 'score predictions: CodeBLEU, syntax pass, error lines, intent pass@1, with bootstrap CIs' },
  policy: { load: async () => (await import('./policy')).policyCommand, summary: 'embedded Rego: `policy eval` as `opa eval`, `policy test` as `conftest test`' },
  lint: { load: async () => (await import('@tfpairs/lint/cli')).lintCommand, summary: 'TFLint drop-in: terraform ruleset (recommended preset) and offline AWS checks, same flags, JSON and exit codes' },
  fidelity: { load: async () => (await import('@tfpairs/sandbox/cli')).fidelityCommand, summary: 'embedded verifier vs real terraform in a Docker sandbox' },
  merge: { load: async () => (await import('@tfpairs/cluster/cli')).mergeCommand, summary: 'merge the outputs of `build --shard K/N` into what one process writes' },
  slurm: { load: async () => (await import('@tfpairs/cluster/cli')).slurmCommand, summary: 'run a sharded build as a Slurm array job plus a merge job' },
  k8s: { load: async () => (await import('@tfpairs/cluster/cli')).k8sCommand, summary: 'print Kubernetes Indexed Job manifests for a sharded build' },
  'split-groups': { load: async () => (await import('@tfpairs/cluster/cli')).splitGroupsCommand, summary: 'write the split groups of a sharded build once, for `build --split-groups`' },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length)) + 2;
  return [
    `Usage: tfpairs <command> [flags]   (tfpairs ${TFPAIRS_VERSION})`,
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`),
    '',
    'Run `tfpairs <command> -help` for the flags of a command.',
    '',
  ].join('\n');
}

export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '-help' || name === '--help' || name === 'help') {
    io.stdout.write(usage());
    return name ? 0 : 1;
  }
  if (name === '-version' || name === '--version' || name === 'version') {
    io.stdout.write(`tfpairs ${TFPAIRS_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`tfpairs: unknown command "${name}"\n\n${usage()}`);
    return 1;
  }
  return (await command.load())(rest, io);
}
