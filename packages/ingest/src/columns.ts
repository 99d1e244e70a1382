/**
 * CSV column names as IaC-Eval spells them, found case-insensitively and through the aliases JSONL
 * accepts (`prompt`; `reference` / `completion` / `gold` for the gold), so a hand-made CSV with
 * lower-case or JSONL-style headers reads like IaC-Eval's own.
 */
const ALIASES: Record<string, string> = {
  prompt: 'Prompt',
  'reference output': 'Reference output',
  reference: 'Reference output',
  completion: 'Reference output',
  gold: 'Reference output',
  resource: 'Resource',
  difficulty: 'Difficulty',
  intent: 'Intent',
  'rego intent': 'Rego intent',
};

/** IaC-Eval's results columns (`LLM Output #1`, `LLM Plannable? #1`, ...) keep their canonical case. */
const NUMBERED = /^llm (output|plannable\?|correct\?|plan phase error|opa match phase error|notes) #(\d+)$/;
const NUMBERED_CASE: Record<string, string> = {
  output: 'Output',
  'plannable?': 'Plannable?',
  'correct?': 'Correct?',
  'plan phase error': 'Plan Phase Error',
  'opa match phase error': 'OPA match phase Error',
  notes: 'Notes',
};

/** The canonical name of a header cell (unknown columns are kept as written, trimmed). */
export function canonicalColumn(header: string): string {
  const h = header.trim();
  const key = h.toLowerCase().replace(/[\s_]+/g, ' ');
  if (ALIASES[key]) return ALIASES[key]!;
  const m = NUMBERED.exec(key);
  if (m) return `LLM ${NUMBERED_CASE[m[1]!]} #${m[2]}`;
  return h;
}

/**
 * The header with each required IaC-Eval column named once: when several cells map to the same name
 * (e.g. both `Reference output` and `completion`), the first one wins and the others keep their text.
 */
export function canonicalHeader(cells: readonly string[]): string[] {
  const seen = new Set<string>();
  return cells.map((cell) => {
    const name = canonicalColumn(cell);
    if (seen.has(name)) return cell.trim();
    seen.add(name);
    return name;
  });
}
