import { parse } from '@cdktf/hcl2json';
import type { Diagnostic } from '@tfpairs/core';

/**
 * HCL errors as @cdktf/hcl2json reports them: `parse config: [main.tf:2,6-3,1: Summary; Detail., ...]`.
 * Each becomes a terraform-shaped diagnostic (byte offsets are not in the text, so they are 0 here;
 * the verify stage recomputes them from the source).
 */
const HCL_ERROR = /([^\s[,][^:\n]*?):(\d+),(\d+)-(?:(\d+),)?(\d+): ([^;]+?); (.*?)(?=, [^\s,][^:\n]*?:\d+,\d+-|\]$|$)/gs;

export function parseHclErrors(message: string, filename: string): Diagnostic[] {
  const body = message.replace(/^parse config: \[/, '').replace(/\]$/, '');
  const out: Diagnostic[] = [];
  for (const m of body.matchAll(HCL_ERROR)) {
    const [, , l1, c1, l2, c2, summary, detail] = m;
    const startLine = Number(l1);
    const endLine = l2 ? Number(l2) : startLine;
    out.push({
      severity: 'error',
      summary: summary!.trim(),
      detail: detail!.trim(),
      range: {
        filename,
        start: { line: startLine, column: Number(c1), byte: 0 },
        end: { line: endLine, column: Number(c2), byte: 0 },
      },
    });
  }
  if (out.length === 0) out.push({ severity: 'error', summary: 'Invalid HCL', detail: body.trim() });
  return out;
}

/** Stage 1 of verification: HashiCorp's own HCL parser decides whether the text is valid HCL. */
export async function checkSyntax(text: string, filename = 'main.tf'): Promise<Diagnostic[]> {
  try {
    await parse(filename, text);
    return [];
  } catch (e) {
    return parseHclErrors(String((e as Error).message ?? e), filename);
  }
}
