import { resolve } from 'node:path';
import { FlagError, parseFlags, renderFlagHelp, type CliIO, type Command, type FlagSpec, type Split } from '@tfpairs/core';
import { renderAuditText, renderMismatches, renderStepsText, summariseAudit, type AuditFilter } from './audit';
import { compareRuns, renderCompareText } from './compare';
import { writeReport } from './html';
import { loadBuildOutput, OutputError, type BuildOutput } from './output';
import { findRecords, renderStory, similarIds } from './story';

const AUDIT_FLAGS: FlagSpec[] = [
  { name: 'stage', type: 'string[]', arg: 'NAME', help: 'only findings of this stage (comma-separated list allowed)' },
  { name: 'code', type: 'string[]', arg: 'CODE', help: 'only findings with this code (comma-separated list allowed)' },
  { name: 'severity', type: 'string', arg: 'error|warning', help: 'only findings of this severity' },
  { name: 'split', type: 'string[]', arg: 'train|val|test|none', help: 'only findings of records in this split (none: records without a split)' },
  { name: 'dropped', type: 'boolean', help: 'only the findings that dropped a record (-dropped=false: only the others)' },
  { name: 'steps', type: 'boolean', help: "per-step stats of the run (records in/out, drops, findings, ms) from manifest.json" },
  { name: 'show', type: 'string', arg: 'ID', help: "one record's whole story: id, id prefix, or FILE:LINE of the input" },
  { name: 'json', type: 'boolean', help: 'machine-readable output' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

export const AUDIT_HELP = `Usage: tfpairs audit OUT_DIR [flags]

Why records were dropped or flagged: findings of a build output by stage and code, with counts, share
and one example each. Reads only what \`tfpairs build\` wrote; its counts agree with manifest.json, and it
says so when they do not. Exit status: 0, or 1 on bad arguments, an unreadable output or line, an unknown
--show id, or counts that disagree with manifest.json.

Flags:
${renderFlagHelp(AUDIT_FLAGS)}
`;

const REPORT_FLAGS: FlagSpec[] = [
  { name: 'out', type: 'string', arg: 'FILE', help: 'where to write the page', default: 'OUT_DIR/report.html' },
  { name: 'compare', type: 'string', arg: 'RUN_A', help: 'add a section comparing OUT_DIR (as run B) with this earlier run' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

export const REPORT_HELP = `Usage: tfpairs report OUT_DIR [flags]

Writes one self-contained HTML page (inline charts, no network, opens from disk) with the funnel, drops
by stage and code, the most frequent terraform diagnostics, verdicts per model, intent/lint/security pass
rates per model, per-step stats and a searchable table of dropped records with each record's story. \`tfpairs build\` writes it at the end of every run.

Flags:
${renderFlagHelp(REPORT_FLAGS)}
`;

const COMPARE_FLAGS: FlagSpec[] = [
  { name: 'json', type: 'boolean', help: 'machine-readable output' },
  { name: 'html', type: 'boolean', help: "also write RUN_B's report.html with a section comparing it with RUN_A" },
  { name: 'out', type: 'string', arg: 'FILE', help: 'with -html: where to write the page', default: 'RUN_B/report.html' },
  { name: 'limit', type: 'number', arg: 'N', help: 'rows per list in the terminal output', default: '20' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

export const COMPARE_HELP = `Usage: tfpairs compare RUN_A RUN_B [flags]

What changed between two build outputs (e.g. baselines of two models, or one model before and after an
update): syntax pass rate and average error-line count of the candidate drafts (IaC-DPO Table 2: unique
lines flagged error or warning), intent pass@1, linter pass rate and security compliance per role and
model with the most frequent false rules, lint rules and security checks, prompts whose verdict flipped each way, diagnostics that appeared or
vanished, and DPO pairs that changed. Records are joined on id, else on the normalised prompt.

Flags:
${renderFlagHelp(COMPARE_FLAGS)}
`;

const list = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? (v as string[]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean) : undefined;

function parse(argv: readonly string[], specs: FlagSpec[], io: CliIO, command: string): ReturnType<typeof parseFlags> | null {
  try {
    return parseFlags(argv, specs);
  } catch (e) {
    if (e instanceof FlagError) {
      io.stderr.write(`tfpairs ${command}: ${e.message}\n`);
      return null;
    }
    throw e;
  }
}

async function load(dir: string, io: CliIO, command: string, pairs = false, recordTexts: 'all' | 'dropped' = 'all'): Promise<BuildOutput | null> {
  try {
    return await loadBuildOutput(resolve(io.cwd, dir), { pairs, recordTexts });
  } catch (e) {
    if (e instanceof OutputError) {
      io.stderr.write(`tfpairs ${command}: ${e.message}\n`);
      return null;
    }
    throw e;
  }
}

function reportProblems(output: BuildOutput, io: CliIO, command: string): void {
  for (const p of output.problems) io.stderr.write(`tfpairs ${command}: warning: ${output.dir}/${p}\n`);
}

export const auditCommand: Command = async (argv, io) => {
  const flags = parse(argv, AUDIT_FLAGS, io, 'audit');
  if (!flags) return 1;
  const v = flags.values;
  if (v.help) {
    io.stdout.write(AUDIT_HELP);
    return 0;
  }
  if (flags.positionals.length !== 1) {
    io.stderr.write(`tfpairs audit: give exactly one build output folder (got ${flags.positionals.length})\n\n${AUDIT_HELP}`);
    return 1;
  }
  const severity = v.severity as string | undefined;
  if (severity !== undefined && severity !== 'error' && severity !== 'warning') {
    io.stderr.write(`tfpairs audit: invalid value "${severity}" for -severity: error or warning\n`);
    return 1;
  }
  const splits = list(v.split);
  const badSplit = splits?.find((s) => !['train', 'val', 'test', 'none'].includes(s));
  if (badSplit) {
    io.stderr.write(`tfpairs audit: invalid value "${badSplit}" for -split: train, val, test or none\n`);
    return 1;
  }
  const output = await load(flags.positionals[0]!, io, 'audit');
  if (!output) return 1;
  reportProblems(output, io, 'audit');

  if (v.steps) {
    const steps = output.manifest.steps ?? null;
    if (v.json) io.stdout.write(`${JSON.stringify({ dir: output.dir, steps }, null, 2)}\n`);
    else io.stdout.write(renderStepsText(output.dir, steps ?? undefined));
    return 0;
  }

  if (typeof v.show === 'string') {
    const matches = findRecords(output, v.show);
    if (matches.length === 0) {
      const similar = similarIds(output, v.show);
      io.stderr.write(`tfpairs audit: no record "${v.show}" in ${output.dir}${similar.length ? ` (ids starting alike: ${similar.join(', ')})` : ''}\n`);
      return 1;
    }
    if (v.json) io.stdout.write(`${JSON.stringify({ query: v.show, matches }, null, 2)}\n`);
    else io.stdout.write(matches.map(renderStory).join('\n'));
    return 0;
  }

  const filter: AuditFilter = {
    stages: list(v.stage),
    codes: list(v.code),
    severity: severity as AuditFilter['severity'],
    splits: splits as (Split | 'none')[] | undefined,
    dropped: v.dropped as boolean | undefined,
  };
  const summary = summariseAudit(output, filter);
  if (v.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else io.stdout.write(renderAuditText(summary));
  if (summary.mismatches.length) {
    io.stderr.write(`tfpairs audit: the files of ${output.dir} disagree with its manifest.json:\n${renderMismatches(summary.mismatches)}`);
    return 1;
  }
  // unreadable lines were reported above: the table may be missing findings
  return output.problems.length ? 1 : 0;
};

export const reportCommand: Command = async (argv, io) => {
  const flags = parse(argv, REPORT_FLAGS, io, 'report');
  if (!flags) return 1;
  const v = flags.values;
  if (v.help) {
    io.stdout.write(REPORT_HELP);
    return 0;
  }
  if (flags.positionals.length !== 1) {
    io.stderr.write(`tfpairs report: give exactly one build output folder (got ${flags.positionals.length})\n\n${REPORT_HELP}`);
    return 1;
  }
  const dir = resolve(io.cwd, flags.positionals[0]!);
  let compare;
  let output: BuildOutput | undefined;
  if (typeof v.compare === 'string') {
    const a = await load(v.compare, io, 'report', true);
    const b = await load(dir, io, 'report', true);
    if (!a || !b) return 1;
    compare = compareRuns(a, b);
  } else {
    // what the page shows of kept records holds no code (see writeReport): read once, without it
    output = (await load(dir, io, 'report', false, 'dropped')) ?? undefined;
    if (!output) return 1;
    reportProblems(output, io, 'report');
  }
  const path = await writeReport(dir, { compare, output, path: typeof v.out === 'string' ? resolve(io.cwd, v.out) : undefined });
  if (!path) {
    io.stderr.write(`tfpairs report: ${dir}: not a tfpairs build output\n`);
    return 1;
  }
  io.stdout.write(`${path}\n`);
  return 0;
};

export const compareCommand: Command = async (argv, io) => {
  const flags = parse(argv, COMPARE_FLAGS, io, 'compare');
  if (!flags) return 1;
  const v = flags.values;
  if (v.help) {
    io.stdout.write(COMPARE_HELP);
    return 0;
  }
  if (flags.positionals.length !== 2) {
    io.stderr.write(`tfpairs compare: give two build output folders, RUN_A and RUN_B (got ${flags.positionals.length})\n\n${COMPARE_HELP}`);
    return 1;
  }
  const a = await load(flags.positionals[0]!, io, 'compare', true);
  if (!a) return 1;
  const b = await load(flags.positionals[1]!, io, 'compare', true);
  if (!b) return 1;
  reportProblems(a, io, 'compare');
  reportProblems(b, io, 'compare');
  for (const o of [a, b]) if (!o.records) io.stderr.write(`tfpairs compare: warning: ${o.dir} has no records.jsonl; its drafts cannot be compared\n`);
  const comparison = compareRuns(a, b);
  if (v.json) io.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
  else io.stdout.write(renderCompareText(comparison, typeof v.limit === 'number' ? Math.max(0, v.limit) : 20));
  if (v.html) {
    const path = await writeReport(b.dir, { compare: comparison, path: typeof v.out === 'string' ? resolve(io.cwd, v.out) : undefined });
    if (path) io.stderr.write(`tfpairs compare: report: ${path}\n`);
  }
  return 0;
};
