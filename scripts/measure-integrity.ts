/**
 * Issue 14's figures on a build output folder: the newline tell (how chosen/rejected/prompts end),
 * near-duplicate families across splits, DPO pairs by `rejected_because`, and the group counts.
 * `synth CSV N OUT.jsonl` writes the synthetic corpus the issue measured: N records from the CSV's rows
 * with a name, a trailing period and the prompt's case varied (the gold renamed consistently), each
 * line carrying its row as `family`.
 * Usage: npx tsx scripts/measure-integrity.ts synth CSV 20000 corpus.jsonl
 *        npx tsx scripts/measure-integrity.ts measure OUT_DIR
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readIacEvalCsv } from '@tfpairs/ingest';

const [mode, ...args] = process.argv.slice(2);

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return s / 2 ** 32;
  };
}

async function synth(csv: string, n: number, outFile: string) {
  const rows: { prompt: string; gold: string; drafts: string[]; meta: Record<string, string> }[] = [];
  for await (const r of readIacEvalCsv(csv, csv)) if (r.status === 'kept') rows.push({ prompt: r.prompt, gold: r.gold!.raw, drafts: r.candidates.map((c) => c.raw), meta: { ...r.meta } });
  const rand = prng(14);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const row = i % rows.length;
    const base = rows[row]!;
    const k = Math.floor(i / rows.length);
    // the first resource label becomes label_k everywhere in gold and drafts; the prompt names it
    const label = /resource\s+"[^"]+"\s+"([A-Za-z_][A-Za-z0-9_-]*)"/.exec(base.gold)?.[1];
    const rename = (t: string) => (label && k ? t.replace(new RegExp(`\\b${label}\\b`, 'g'), `${label}_${k}`) : t);
    let prompt = base.prompt.trim();
    if (k && label) prompt = `${prompt.replace(/\.$/, '')} Name it ${label}_${k}`;
    if (rand() < 0.5) prompt = prompt.endsWith('.') ? prompt.slice(0, -1) : `${prompt}.`;
    if (rand() < 0.1) prompt = prompt.toLowerCase();
    lines.push(JSON.stringify({ prompt, gold: rename(base.gold), drafts: base.drafts.map(rename), meta: { ...base.meta, family: String(row) } }));
  }
  writeFileSync(outFile, lines.join('\n') + '\n');
  console.log(JSON.stringify({ wrote: outFile, records: n, families: rows.length }));
}

function read(dir: string, corpus: string): any[] {
  return ['train', 'val', 'test'].flatMap((s) => readFileSync(join(dir, corpus, `${s}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));
}

function measure(dir: string) {
  const endsOne = (t: string) => /[^\s]\n$/.test(t);
  const pairs = read(dir, 'dpo');
  const tfGen = read(dir, 'tf-gen');
  const share = (xs: boolean[]) => (xs.length ? +((100 * xs.filter(Boolean).length) / xs.length).toFixed(1) : null);
  const families = new Map<string, Set<string>>();
  for (const l of tfGen) {
    const family = l.meta.input_meta ? JSON.parse(l.meta.input_meta).family : (l.meta.resource ?? null);
    if (family === undefined || family === null) continue;
    (families.get(family) ?? families.set(family, new Set()).get(family)!).add(l.meta.split);
  }
  const groups = new Map<string, Set<string>>();
  for (const l of tfGen) (groups.get(l.meta.group) ?? groups.set(l.meta.group, new Set()).get(l.meta.group)!).add(l.meta.split);
  const because: Record<string, number> = {};
  for (const p of pairs) because[p.meta.rejected_because] = (because[p.meta.rejected_because] ?? 0) + 1;
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  console.log(
    JSON.stringify({
      dir,
      kept: tfGen.length,
      pairs: pairs.length,
      chosenOneFinalNewlinePct: share(pairs.map((p) => endsOne(p.chosen))),
      rejectedOneFinalNewlinePct: share(pairs.map((p) => endsOne(p.rejected))),
      promptsOneFinalNewlinePct: share(tfGen.map((l) => endsOne(l.prompt))),
      completionsOneFinalNewlinePct: share(tfGen.map((l) => endsOne(l.completion))),
      familiesMultiMember: [...families.values()].length,
      familiesAcrossSplits: [...families.values()].filter((s) => s.size > 1).length,
      groupsAcrossSplits: [...groups.values()].filter((s) => s.size > 1).length,
      rejectedBecausePct: Object.fromEntries(Object.entries(because).map(([k, v]) => [k, +((100 * v) / pairs.length).toFixed(1)])),
      rejectedBecause: because,
      groups: manifest.counts.groups,
      splits: manifest.counts.splits,
    }),
  );
}

if (mode === 'synth') await synth(args[0]!, Number(args[1] ?? 20000), args[2]!);
else if (mode === 'measure') measure(args[0]!);
else throw new Error('usage: measure-integrity.ts synth CSV N OUT.jsonl | measure OUT_DIR');
