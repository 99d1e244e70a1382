import { z } from 'zod';

const nonBlank = (what: string) =>
  z.string({ error: (i) => (i.input === undefined ? `${what} is missing` : `${what} must be a string`) }).refine((s) => s.trim() !== '', { message: `${what} is empty` });

/** One task as any input format describes it, after aliases are resolved. */
export const TaskInput = z.object({
  prompt: nonBlank('prompt'),
  gold: nonBlank('gold'),
  drafts: z.array(z.string({ error: 'every draft must be a string' }), { error: 'drafts must be an array of strings' }).default([]),
  meta: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
  /** recorded TF-Mutn samples: a change request and the changed configuration */
  mutations: z
    .array(
      z.object({
        utterance: nonBlank('mutation utterance'),
        expected: nonBlank('mutation expected configuration'),
      }),
      { error: 'mutations must be an array of {utterance, expected}' },
    )
    .default([]),
  /** per draft: what the input file recorded about it (IaC-Eval's plan verdict, error text) */
  recorded: z.array(z.record(z.string(), z.string())).default([]),
});
export type TaskInput = z.infer<typeof TaskInput>;

/** JSONL line: `prompt`, `gold` (aliases `reference`, `completion`), optional `drafts`, `meta`. */
export const JsonlTask = z
  .object(
    {
      prompt: z.unknown().optional(),
      gold: z.unknown().optional(),
      reference: z.unknown().optional(),
      completion: z.unknown().optional(),
      drafts: z.unknown().optional(),
      mutations: z.unknown().optional(),
      meta: z.unknown().optional(),
    },
    { error: 'a JSONL line must be a JSON object' },
  )
  .loose()
  .transform(({ prompt, gold, reference, completion, drafts, mutations, meta, ...rest }) => {
    // unknown extra scalar fields are kept as metadata (e.g. `resource`, `difficulty`)
    const extras: Record<string, string> = {};
    for (const [k, v] of Object.entries(rest)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') extras[k] = String(v);
    const metaObject = meta && typeof meta === 'object' && !Array.isArray(meta) ? (meta as Record<string, unknown>) : meta;
    return {
      prompt,
      gold: gold ?? reference ?? completion,
      drafts: drafts ?? [],
      // TF-Mutn's own field names are accepted too: change_request / utterance, expected / completion
      mutations: Array.isArray(mutations)
        ? mutations.map((m) =>
            m && typeof m === 'object' && !Array.isArray(m)
              ? { utterance: (m as Record<string, unknown>).utterance ?? (m as Record<string, unknown>).change_request, expected: (m as Record<string, unknown>).expected ?? (m as Record<string, unknown>).completion }
              : m,
          )
        : (mutations ?? []),
      meta: metaObject === undefined ? extras : typeof metaObject === 'object' ? { ...extras, ...(metaObject as object) } : metaObject,
    };
  });

export function zodReason(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
