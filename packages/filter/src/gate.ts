import { countMetric, dropRecord, finding, mapKept, type StageFactory } from '@tfpairs/core';
import { checkSyntax } from '@tfpairs/hcl/syntax';
import { filesOfCode } from '@tfpairs/configs/fileset';

/** the gate was part of verify: same version, so provenance stays comparable across releases */
export const GATE_VERSION = '1.0.0';

/**
 * Drops records whose gold still fails verification (after repair, if any): code `hcl-syntax` when
 * the gold is not valid HCL, `invalid-gold` otherwise; every diagnostic lands in the audit, the first
 * error is the drop cause. Candidates are never dropped.
 */
export const goldGateStage: StageFactory = (ctx) =>
  mapKept('verify-gate', GATE_VERSION, async (record) => {
    const gold = record.gold;
    if (!gold || gold.verdict !== 'invalid') return record;
    const errors = gold.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length === 0) return record;
    // a file set (a task with local modules) is HCL file by file
    const hclFiles = gold.code === null ? [] : filesOfCode(gold.code).filter((f) => !f.path.endsWith('.json'));
    const syntax = (await Promise.all(hclFiles.map((f) => checkSyntax(f.text, f.path)))).flat().some((d) => d.severity === 'error');
    const code = syntax ? 'hcl-syntax' : 'invalid-gold';
    countMetric(ctx, `verify.gold.dropped.${code}`);
    const first = errors[0]!;
    const where = first.range ? ` (${first.range.filename} line ${first.range.start.line})` : '';
    const others = gold.diagnostics.filter((d) => d !== first);
    return dropRecord(
      record,
      finding('verify', code, { ...first, summary: `Gold does not verify: ${first.summary}`, detail: `${first.detail}${where}` }, 'gold'),
      others.map((d) => finding('verify', code, d, 'gold')),
    );
  });
