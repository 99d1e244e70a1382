import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FlagError, parseFlags, renderFlagHelp, SPLITS, type CliIO, type Command, type Diagnostic, type FlagSpec } from '@tfpairs/core';
import type { CodeBleuOptions, EmptyDataflow } from '@tfpairs/codebleu';
import { OutputError } from '@tfpairs/report/output';
import type { BootstrapOptions } from './bootstrap';
import { comparePaired, scoreAll, summarise, type EvalOptions, type ScoredPrediction, type Summary } from './evaluate';
import { matchPredictions, readPredictions, referencesFromBuild, referencesFromInput, type Loaded, type Reference } from './inputs';
import { loadLintChecker, loadSecurityChecker } from './checks';
import { loadIntentChecker, loadPlanner } from './intent';
import { renderHtml, renderPairedText, renderSummaryText, type SkippedMetric } from './render';

const FLAGS: FlagSpec[] = [
  { name: 'predictions', type: 'string', arg: 'FILE', help: 'predictions: JSONL {id, completion} or {prompt, completion}, or an IaC-Eval results CSV (its LLM Output #N)' },
  { name: 'against', type: 'string', arg: 'OUT_DIR', help: 'score against the kept records of this build output (gold, split, intent)' },
  { name: 'references', type: 'string', arg: 'FILE', help: 'score against the golds of any build input (IaC-Eval CSV, JSONL, task folder)' },
  { name: 'split', type: 'string', arg: 'train|val|test', help: 'only references of this split (with --against)' },
  { name: 'draft', type: 'number', arg: 'N', help: 'which recorded draft of a CSV/JSONL task input is the prediction', default: '0' },
  { name: 'resamples', type: 'number', arg: 'N', help: 'bootstrap resamples', default: '1000' },
  { name: 'seed', type: 'number', arg: 'N', help: 'bootstrap seed (same seed, same intervals)', default: '1' },
  { name: 'weights', type: 'string', arg: 'A,B,G,T', help: 'CodeBLEU weights of BLEU, weighted n-gram, AST and dataflow match', default: '0.25,0.25,0.25,0.25' },
  { name: 'empty-dataflow', type: 'string', arg: 'one|zero|reweight', help: 'dataflow component when the reference has no edge (one: the codebleu package; zero: CodeXGLUE)', default: 'one' },
  { name: 'no-intent', type: 'boolean', help: 'skip the intent (plan + Rego policy) pass' },
  { name: 'no-lint', type: 'boolean', help: 'skip the lint pass (TFLint rules, as build)' },
  { name: 'no-security', type: 'boolean', help: 'skip the security compliance (bundled Checkov-style pack on the plan, as build)' },
  { name: 'json', type: 'boolean', help: 'machine-readable output (summaries, every scored prediction, problems)' },
  { name: 'html', type: 'boolean', help: 'write a self-contained HTML page of the tables (to --out)' },
  { name: 'out', type: 'string', arg: 'FILE', help: 'with -html: where to write the page', default: 'eval.html' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

export const EVAL_HELP = `Usage: tfpairs eval --predictions FILE (--against OUT_DIR | --references FILE) [flags]
       tfpairs eval A.jsonl B.jsonl (--against OUT_DIR | --references FILE) [flags]

Scores a model's outputs with IaC-DPO's Table 2 metrics - CodeBLEU for HCL (with its four components),
Terraform syntax pass (embedded terraform validate) and the average number of unique lines flagged
error or warning - plus IaC-Eval's intent pass@1 (plan + the record's Rego policy) when the record has an
intent, and TerraFormer's lint pass and security compliance over the predictions that validate (as build:
no TFLint issue; no failed check of the bundled pack on the plan). Answers are extracted and normalised as drafts are (fences, terraform fmt, comments stripped).
Every metric comes with a seeded percentile bootstrap confidence interval (95 %), per split and overall.
With two prediction files, the differences B - A get a paired bootstrap interval over the references
both predict. Exit status: 0, or 1 on bad arguments or unreadable inputs.

Flags:
${renderFlagHelp(FLAGS)}
`;

function fail(io: CliIO, message: string): number {
  io.stderr.write(`tfpairs eval: ${message}\n`);
  return 1;
}

function printProblems(io: CliIO, problems: readonly Diagnostic[]): void {
  const shown = problems.slice(0, 20);
  for (const p of shown) io.stderr.write(`tfpairs eval: ${p.severity}: ${p.summary}: ${p.detail}\n`);
  if (problems.length > shown.length) io.stderr.write(`tfpairs eval: ... and ${problems.length - shown.length} more (see -json)\n`);
}

function groupsOf(items: readonly ScoredPrediction[], boot: BootstrapOptions, cb: CodeBleuOptions): Record<string, Summary> {
  const groups: Record<string, Summary> = {};
  for (const s of SPLITS) {
    const part = items.filter((i) => i.split === s);
    if (part.length && part.length !== items.length) groups[s] = summarise(part, boot, cb);
  }
  groups.overall = summarise(items, boot, cb);
  return groups;
}

export const evalCommand: Command = async (argv, io) => {
  let flags;
  try {
    flags = parseFlags(argv, FLAGS);
  } catch (e) {
    if (e instanceof FlagError) return fail(io, e.message);
    throw e;
  }
  const v = flags.values;
  if (v.help) {
    io.stdout.write(EVAL_HELP);
    return 0;
  }
  const files = [...(typeof v.predictions === 'string' ? [v.predictions] : []), ...flags.positionals];
  if (files.length < 1 || files.length > 2) return fail(io, `give one prediction file (--predictions FILE) or two (A B) to compare; got ${files.length}\n\n${EVAL_HELP}`);
  if ((typeof v.against === 'string') === (typeof v.references === 'string')) return fail(io, 'give exactly one of --against OUT_DIR and --references FILE');
  const split = typeof v.split === 'string' ? v.split : null;
  if (split !== null && !(SPLITS as readonly string[]).includes(split)) return fail(io, `--split must be one of ${SPLITS.join(', ')}`);
  const weights = String(v.weights ?? '0.25,0.25,0.25,0.25').split(',').map(Number);
  if (weights.length !== 4 || weights.some((w) => !Number.isFinite(w) || w < 0)) return fail(io, '--weights takes four non-negative numbers, e.g. 0.25,0.25,0.25,0.25');
  const emptyDataflow = String(v['empty-dataflow'] ?? 'one');
  if (!['one', 'zero', 'reweight'].includes(emptyDataflow)) return fail(io, '--empty-dataflow must be one, zero or reweight');
  const resamples = typeof v.resamples === 'number' ? Math.floor(v.resamples) : 1000;
  if (resamples < 1) return fail(io, '--resamples must be at least 1');
  const boot: BootstrapOptions = { resamples, seed: typeof v.seed === 'number' ? v.seed : 1 };
  const cb: CodeBleuOptions = { weights: weights as [number, number, number, number], emptyDataflow: emptyDataflow as EmptyDataflow };

  let refs: Loaded<Reference>;
  try {
    refs = typeof v.against === 'string' ? await referencesFromBuild(resolve(io.cwd, v.against)) : await referencesFromInput(String(v.references), io.cwd);
  } catch (e) {
    if (e instanceof OutputError) return fail(io, e.message);
    throw e;
  }
  if (split !== null) {
    if (typeof v.against !== 'string') return fail(io, '--split needs --against OUT_DIR (only a build assigns splits)');
    refs = { items: refs.items.filter((r) => r.split === split), problems: refs.problems };
  }
  if (refs.items.length === 0) {
    printProblems(io, refs.problems);
    return fail(io, 'no reference to score against');
  }

  const skipped: SkippedMetric[] = [];
  // one planner for the intent and security checks: a prediction is planned once
  let planner: ReturnType<typeof loadPlanner> | undefined;
  const planned = () => (planner ??= loadPlanner());
  const opts: { -readonly [K in keyof EvalOptions]: EvalOptions[K] } = { codebleu: cb };
  if (v['no-intent']) skipped.push({ metric: 'intent pass@1', reason: '-no-intent' });
  else if (!refs.items.some((r) => r.intent !== null)) skipped.push({ metric: 'intent pass@1', reason: 'no reference has an intent (Rego policy)' });
  else {
    const loaded = await loadIntentChecker(await planned());
    if ('checker' in loaded) opts.intent = loaded.checker;
    else skipped.push({ metric: 'intent pass@1', reason: loaded.reason });
  }
  if (v['no-lint']) skipped.push({ metric: 'lint pass', reason: '-no-lint' });
  else {
    const loaded = await loadLintChecker();
    if ('checker' in loaded) opts.lint = loaded.checker;
    else skipped.push({ metric: 'lint pass', reason: loaded.reason });
  }
  if (v['no-security']) skipped.push({ metric: 'security compliance', reason: '-no-security' });
  else {
    const loaded = await loadSecurityChecker(await planned());
    if ('checker' in loaded) opts.security = loaded.checker;
    else skipped.push({ metric: 'security compliance', reason: loaded.reason });
  }

  const runs: { file: string; scored: ScoredPrediction[]; problems: Diagnostic[] }[] = [];
  for (const file of files) {
    const preds = await readPredictions(file, io.cwd, typeof v.draft === 'number' ? v.draft : 0);
    const matched = matchPredictions(preds.items, refs.items);
    const problems = [...preds.problems, ...matched.problems];
    if (preds.items.length === 0) {
      printProblems(io, [...refs.problems, ...problems]);
      return fail(io, `${file}: no prediction could be read`);
    }
    runs.push({ file, scored: await scoreAll(matched.items, opts), problems });
  }
  const allProblems = [...refs.problems, ...runs.flatMap((r) => r.problems)];

  const sections: { heading: string; text: string }[] = [];
  const json: Record<string, unknown> = { references: refs.items.length, skipped, bootstrap: { resamples, seed: boot.seed, level: 0.95 }, codebleu: cb };
  json.runs = runs.map((r) => {
    const groups = groupsOf(r.scored, boot, cb);
    sections.push({ heading: `${r.file}: ${r.scored.length} predictions scored against ${refs.items.length} references`, text: renderSummaryText(groups, skipped) });
    return { predictions: r.file, scored: r.scored.length, summary: groups, items: r.scored.map(({ stats: _s, ...rest }) => rest), problems: r.problems };
  });
  if (runs.length === 2) {
    const paired = comparePaired(runs[0]!.scored, runs[1]!.scored, boot, cb);
    json.paired = paired;
    sections.push({ heading: 'paired differences (B - A)', text: renderPairedText(paired, runs[0]!.file, runs[1]!.file) });
  }
  json.problems = refs.problems;

  if (v.json) io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  else {
    for (const s of sections) io.stdout.write(`${s.heading}\n\n${s.text}\n`);
    printProblems(io, allProblems);
  }
  if (v.html) {
    const path = resolve(io.cwd, typeof v.out === 'string' ? v.out : 'eval.html');
    writeFileSync(path, renderHtml('tfpairs eval', sections));
    io.stderr.write(`tfpairs eval: page: ${path}\n`);
  }
  return 0;
};
