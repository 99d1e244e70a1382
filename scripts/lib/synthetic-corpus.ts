/**
 * A corpus of any size from the 140 shared IaC-Eval rows (prompt, gold, Rego intent, one real draft
 * each), for benchmarks and tests at scale. Record i is row i % rows in variant i / rows: its resource
 * labels get the variant as a suffix (in the gold and the draft alike, references included) and its
 * prompt names the variant, so every record is a distinct configuration (no cache hit, no dedup) that
 * verifies, plans and meets its intent as the original row does (but for the few Rego intents that
 * name a resource address).
 */

/** The configuration with every resource label suffixed by `_v<variant>`, references included. */
export function relabel(code: string, labels: readonly (readonly [string, string])[], variant: number): string {
  if (variant === 0) return code;
  let out = code;
  for (const [type, label] of labels) {
    const renamed = `${label}_v${variant}`;
    out = out
      .replace(new RegExp(`(resource\\s+"${type}"\\s+")${label}"`, 'g'), `$1${renamed}"`)
      .replace(new RegExp(`\\b${type}\\.${label}\\b`, 'g'), `${type}.${renamed}`);
  }
  return out;
}

const PHRASES = ['for project', 'in the environment named', 'as part of workload', 'for the team called', 'under the cost centre'];

/** JSONL lines of `n` records made from `rows` (IaC-Eval CSV rows with an `LLM Output #0` draft). */
export function* syntheticTasks(rows: readonly Record<string, string>[], n: number): Generator<string> {
  for (let i = 0; i < n; i++) {
    const row = rows[i % rows.length]!;
    const variant = Math.floor(i / rows.length);
    const gold = row['Reference output']!;
    const draft = row['LLM Output #0']!;
    const labels = [...`${gold}\n${draft}`.matchAll(/resource\s+"(\w+)"\s+"(\w+)"/g)].map((m) => [m[1]!, m[2]!] as const);
    const unique = [...new Map(labels.map((l) => [l.join('.'), l])).values()];
    const prompt = variant === 0 ? row.Prompt! : `${row.Prompt!.trimEnd()} (${PHRASES[variant % PHRASES.length]} v${variant})`;
    yield JSON.stringify({
      prompt,
      gold: relabel(gold, unique, variant),
      drafts: [relabel(draft, unique, variant)],
      rego_intent: row['Rego intent'],
      resource: row.Resource,
      difficulty: row.Difficulty,
    });
  }
}
