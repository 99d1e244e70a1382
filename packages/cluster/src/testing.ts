import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPLITS } from '@tfpairs/core';
import { CORPORA } from '@tfpairs/write';

/** Every file a build writes, relative to its output folder. */
export const OUTPUT_FILES: readonly string[] = [
  ...CORPORA.flatMap((c) => SPLITS.map((s) => `${c}/${s}.jsonl`)),
  'records.jsonl',
  'audit.jsonl',
  'manifest.json',
  'report.html',
];

/**
 * The bytes of a manifest with the fields that may differ between a one-process build and a merge:
 * timing (`createdAt`, the per-shard `shards` section, a top-level `timings`) and where it was written
 * (`config.out`).
 */
export function comparableManifest(text: string): string {
  const m = JSON.parse(text) as Record<string, unknown> & { config?: Record<string, unknown> };
  delete m.createdAt;
  delete m.shards;
  delete m.timings;
  // per-step timings and counts are per process: a merge cannot reproduce one process's
  delete m.steps;
  if (m.config) m.config = { ...m.config, out: '<out>' };
  return `${JSON.stringify(m, null, 2)}\n`;
}

/** report.html names its folder and the build time: both are replaced, nothing else is touched. */
export function comparableReport(text: string, outDir: string, createdAt: string): string {
  // the Steps section shows per-process timings (see comparableManifest)
  const withoutSteps = text.replace(/<section id="steps">[\s\S]*?<\/section>/, '<section id="steps"></section>');
  return withoutSteps.split(outDir).join('<out>').split(createdAt).join('<createdAt>');
}

/**
 * Compares two build output folders file by file. Every corpus, records.jsonl and audit.jsonl must be
 * byte-identical; the manifest and report up to the fields above. Returns the files that differ.
 */
export function diffOutputs(expectedDir: string, actualDir: string): string[] {
  const differ: string[] = [];
  const created = (dir: string) => (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { createdAt: string }).createdAt;
  for (const file of OUTPUT_FILES) {
    const a = join(expectedDir, file);
    const b = join(actualDir, file);
    if (existsSync(a) !== existsSync(b)) {
      differ.push(`${file}: ${existsSync(a) ? 'missing from' : 'only in'} ${actualDir}`);
      continue;
    }
    if (!existsSync(a)) continue;
    let x = readFileSync(a, 'utf8');
    let y = readFileSync(b, 'utf8');
    if (file === 'manifest.json') {
      x = comparableManifest(x);
      y = comparableManifest(y);
    } else if (file === 'report.html') {
      x = comparableReport(x, expectedDir, created(expectedDir));
      y = comparableReport(y, actualDir, created(actualDir));
    }
    if (x !== y) differ.push(file);
  }
  return differ;
}
