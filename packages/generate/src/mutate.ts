import {
  addFindings,
  renderDiagnosticsForModel,
  countMetric,
  finding,
  newArtifact,
  passThrough,
  sha256,
  updateRecord,
  type Finding,
  type Mutation,
  type StageFactory,
  type TaskRecord,
} from '@tfpairs/core';
import { failureFinding } from './findings';
import { artifactFields, bundledRepairTemplates, processAnswer, selfCorrect, type ProcessedAnswer } from './repair';
import { modelStage, type Complete } from './rounds';
import { clientFor } from './run';
import { bundledTemplate, renderTemplate } from './template';
import { fencedBlocks } from '@tfpairs/normalise';
import { scrubProseText } from '@tfpairs/scrub';

export const MUTATE_VERSION = '1.0.0';

/** One kind of change per sample, so samples at temperature 0 still differ (and stay reproducible). */
export const CHANGE_KINDS: readonly string[] = [
  'add a resource that this infrastructure plausibly needs',
  'change a setting of an existing resource',
  'replace hard-coded values with input variables, or add outputs',
  'harden security: encryption, access restrictions or logging',
  'scale or resize part of the infrastructure',
  'add or change tags and names',
];

export interface ParsedMutation {
  readonly utterance: string;
  /** the part of the answer that holds the changed configuration (normalised like any answer) */
  readonly codeAnswer: string;
}

const LABEL = /^\s*(?:[#>*_\s]*)(?:change[ _-]?request|request|utterance)(?:[*_\s]*):?(?:[*_\s]*)/i;

/**
 * Reads a change-request answer: `Change request: ...` followed by a fenced configuration (the form the
 * bundled template asks for), or a JSON object with `change_request`/`utterance` and
 * `configuration`/`code` (what models answering in JSON mode write). Anything else is `undefined`.
 */
export function parseMutationAnswer(answer: string): ParsedMutation | undefined {
  const jsonText = fencedBlocks(answer).find((b) => b.lang === 'json')?.body ?? (answer.trim().startsWith('{') ? answer.trim() : undefined);
  if (jsonText) {
    try {
      const o = JSON.parse(jsonText) as Record<string, unknown>;
      const utterance = [o.change_request, o.changeRequest, o.utterance, o.request].find((v) => typeof v === 'string') as string | undefined;
      const code = [o.configuration, o.code, o.expected, o.changed_configuration].find((v) => typeof v === 'string') as string | undefined;
      if (utterance?.trim() && code?.trim()) return { utterance: utterance.trim().replace(/\s+/g, ' '), codeAnswer: `\`\`\`hcl\n${code.trim()}\n\`\`\`\n` };
    } catch {
      // not JSON after all: read it as text below
    }
  }
  const fenceAt = answer.search(/^[ \t]*(`{3,}|~{3,})/m);
  if (fenceAt < 0) return undefined;
  const utterance = answer.slice(0, fenceAt).replace(LABEL, '').replace(/\s+/g, ' ').trim().replace(/:$/, '').trim();
  if (utterance.length < 8) return undefined;
  return { utterance, codeAnswer: answer.slice(fenceAt) };
}

/**
 * TF-Mutn samples (`--mutations N`): for a record whose gold verifies, the model writes a realistic change
 * request and the changed configuration; the change is normalised, scrubbed, verified and repaired if
 * needed, and kept in `record.mutations` only when it verifies and differs from the gold. Every sample
 * that is not kept is audited (`mutation-unparseable`, `mutation-invalid`, `mutation-unchanged`, or the
 * request's failure code).
 */
export const mutateStage: StageFactory = (ctx) => {
  const settings = ctx.config.generate;
  if (!settings.model || settings.mutations === 0) return passThrough;
  const client = clientFor(ctx);
  const template = bundledTemplate('mutate');
  const repairTemplates = bundledRepairTemplates();

  /** The start of an unusable answer for the audit, without credentials. */
  const excerpt = async (answer: string) => (await scrubProseText(ctx, answer, 'record', 'model answer', new Map())).text.slice(0, 300);

  async function mutateRecord(record: TaskRecord, complete: Complete): Promise<TaskRecord> {
    const gold = record.gold;
    if (!gold || gold.verdict !== 'valid' || gold.code === null) return record;
    const findings: Finding[] = [];
    const mutations: Mutation[] = [...record.mutations];
    for (let i = 0; i < settings.mutations; i++) {
      const kind = CHANGE_KINDS[i % CHANGE_KINDS.length]!;
      const sample = `mutation-${i}`;
      const messages = renderTemplate(template, { prompt: record.prompt, code: gold.code.trimEnd(), kind });
      countMetric(ctx, 'mutate.requested');
      const result = await complete(messages);
      if (!result.ok) {
        findings.push({ ...failureFinding('mutate', result), subject: `mutation:${sample}` });
        continue;
      }
      const answer = result.response.content ?? '';
      const parsed = parseMutationAnswer(answer);
      const provisional = sha256(`${record.id}\u0000${i}\u0000${answer}`).slice(0, 16);
      if (!parsed) {
        findings.push(
          finding('mutate', 'mutation-unparseable', { severity: 'warning', summary: 'Change-request answer has no change request and configuration', detail: await excerpt(answer) }, `mutation:${provisional}`),
        );
        continue;
      }
      const placeholders = new Map<string, string>();
      let processed: ProcessedAnswer = await processAnswer(ctx, parsed.codeAnswer, `mutation:${provisional}`, answer, placeholders);
      // findings about the answer that is finally judged (normalise/scrub), plus a stopped repair
      let answerFindings: readonly Finding[] = processed.findings;
      const repairFindings: Finding[] = [];
      const reject = (why: Finding) => findings.push(...answerFindings, ...repairFindings, why);
      // the change request may repeat a credential of the code: same placeholders
      let utterance = parsed.utterance;
      const u = await scrubProseText(ctx, utterance, `mutation:${provisional}`, 'change request', placeholders);
      utterance = u.text;
      answerFindings = [...answerFindings, ...u.findings];
      let trajectory;
      let origin: 'generated' | 'repaired' = 'generated';
      if (processed.verdict === 'invalid' && processed.code !== null && settings.repairTurns > 0) {
        const outcome = await selfCorrect(ctx, client, messages, { code: processed.code, answer, diagnostics: processed.diagnostics }, settings.repairTurns, `mutation:${provisional}`, complete, repairTemplates);
        if (outcome.failure) repairFindings.push({ ...failureFinding('mutate', outcome.failure), subject: `mutation:${provisional}` });
        if (outcome.final) {
          answerFindings = outcome.findings;
          processed = outcome.final;
          trajectory = outcome.turns;
          origin = 'repaired';
        }
      }
      if (processed.code === null) {
        reject(finding('mutate', 'mutation-unparseable', { severity: 'warning', summary: 'Change-request answer has no configuration', detail: await excerpt(answer) }, `mutation:${provisional}`));
        continue;
      }
      if (processed.verdict !== 'valid') {
        reject(
          finding(
            'mutate',
            'mutation-invalid',
            { severity: 'warning', summary: 'Changed configuration does not verify', detail: `${utterance}\n\n${renderDiagnosticsForModel(processed.diagnostics, processed.code)}` },
            `mutation:${provisional}`,
          ),
        );
        continue;
      }
      if (processed.code.trim() === gold.code.trim()) {
        reject(finding('mutate', 'mutation-unchanged', { severity: 'warning', summary: 'Changed configuration equals the initial one', detail: utterance }, `mutation:${provisional}`));
        continue;
      }
      // the change request and the whole answer may repeat a credential: same placeholders as the code
      const raw = processed.answer;
      const id = sha256(`${record.id}\u0000${gold.code}\u0000${utterance}\u0000${processed.code}`).slice(0, 16);
      if (mutations.some((m) => m.id === id || m.expected.code === processed.code)) continue;
      const expected = newArtifact(id, origin, raw, {
        ...artifactFields(processed),
        generation: {
          model: client.model,
          params: { ...client.params, template: template.name, kind },
          templateHash: template.hash,
          finishReason: result.response.finishReason ?? undefined,
          cached: result.cached,
          usage: result.response.usage,
        },
        ...(trajectory ? { trajectory } : {}),
      });
      mutations.push({ id, utterance, initial: gold.code, expected });
      findings.push(...[...answerFindings, ...repairFindings].map((f) => ({ ...f, subject: `mutation:${id}` as const })));
      countMetric(ctx, 'mutate.kept');
    }
    if (mutations.length === record.mutations.length && findings.length === 0) return record;
    return addFindings(updateRecord(record, { mutations }), findings);
  }

  return modelStage(ctx, client, 'mutate', MUTATE_VERSION, mutateRecord);
};
