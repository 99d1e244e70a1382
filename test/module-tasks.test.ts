import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunContext, parseConfig, readNdjson, type Diagnostic } from '@tfpairs/core';
import { parseFileSet, renderFileSet } from '@tfpairs/configs/fileset';
import { planOf } from '@tfpairs/intent/plan-of';
import { startOpenAIServer, type OpenAITestServer } from '@tfpairs/generate/testing/openai-server';
import { cli } from './cli';

/**
 * Task folders with local modules, end to end through `tfpairs build`: a task is the folder holding the
 * prompt, its `modules/**` belong to it, and every stage reads its code as the files they are. What
 * terraform says about each task (fmt of every file, validate after init, the plan of the provider-free
 * task) was recorded from terraform 1.11.4 by `scripts/record-module-tasks-oracle.ts`.
 */
const FIXTURES = fileURLToPath(new URL('./fixtures/module-tasks/', import.meta.url));
interface RecordedTask {
  readonly fmt: Record<string, string>;
  readonly validate: { readonly exit: number; readonly output: { valid: boolean; diagnostics: Diagnostic[] } };
  readonly plan: PlanShape | null;
}
interface PlanShape {
  readonly resource_changes: { address: string; module_address?: string; change: { actions: string[]; after: unknown; after_unknown: unknown } }[];
  readonly planned_values: { root_module: { child_modules?: { address: string; resources: { address: string }[] }[] } };
  readonly output_changes: Record<string, { after_unknown: unknown }>;
}
const recorded = JSON.parse(readFileSync(join(FIXTURES, 'recorded.json'), 'utf8')) as { terraform: string; tasks: Record<string, RecordedTask> };

interface Rec {
  status: string;
  provenance: { source: { path: string } };
  gold: { code: string; verdict: string; diagnostics: Diagnostic[] };
  candidates: { origin: string; code: string | null; verdict: string; diagnostics: Diagnostic[] }[];
}
interface Audit {
  stage: string;
  code: string;
  dropped: boolean;
  range?: Diagnostic['range'];
  summary: string;
  source: { path: string };
}

/** the fixture tasks copied into a fresh folder (the build's cwd), as `tasks/<task>/...` */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tfpairs-module-tasks-'));
  cpSync(join(FIXTURES, 'tasks'), join(dir, 'tasks'), { recursive: true });
  return dir;
}

const splits = async <T>(out: string, corpus: string) => (await Promise.all(['train', 'val', 'test'].map((s) => readNdjson<T>(join(out, corpus, `${s}.jsonl`))))).flat();
/** a recorded task's files (as terraform fmt formats them) as one file set */
const fileSetOf = (task: string) => renderFileSet(Object.entries(recorded.tasks[task]!.fmt).map(([path, text]) => ({ path, text })));
const byTask = (records: readonly Rec[], task: string) => records.find((r) => r.provenance.source.path === `tasks/${task}/prompt.md`)!;

describe('task folders with local modules through tfpairs build', () => {
  let out: string;
  let records: Rec[];
  let audit: Audit[];
  beforeAll(async () => {
    const cwd = workspace();
    await cli(['build', '--offline', '--no-report', '--input', 'tasks', '--out', 'out'], { cwd });
    out = join(cwd, 'out');
    records = await readNdjson<Rec>(join(out, 'records.jsonl'));
    audit = await readNdjson<Audit>(join(out, 'audit.jsonl'));
  }, 120_000);

  it('reads one input per prompt: the module folders are part of their task, not inputs missing a prompt', () => {
    expect(records.map((r) => [r.provenance.source.path, r.status]).sort()).toEqual([
      ['tasks/broken-network/prompt.md', 'dropped'],
      ['tasks/labels/prompt.md', 'kept'],
      ['tasks/network/prompt.md', 'kept'],
    ]);
    expect(audit.filter((a) => a.code === 'missing-prompt')).toEqual([]);
  });

  it('keeps every file of a kept task in its completion, each formatted exactly as terraform fmt formats it', async () => {
    const completions = await splits<{ completion: string; source: { path: string } }>(out, 'tf-gen');
    for (const task of ['network', 'labels']) {
      const line = completions.find((c) => c.source.path === `tasks/${task}/prompt.md`)!;
      const files = parseFileSet(line.completion)!;
      expect(Object.fromEntries(files.map((f) => [f.path, f.text]))).toEqual(recorded.tasks[task]!.fmt);
      // the documented form: `-- path --` lines, root main.tf first, then the module files
      expect(line.completion).toBe(fileSetOf(task));
    }
  });

  it('validates each task as the module tree its files make, with terraform\'s verdict and diagnostics', () => {
    for (const [task, expected] of Object.entries(recorded.tasks)) {
      const gold = byTask(records, task).gold;
      expect({ task, verdict: gold.verdict }).toEqual({ task, verdict: expected.validate.output.valid ? 'valid' : 'invalid' });
      expect(gold.diagnostics).toEqual(expected.validate.output.diagnostics);
    }
  });

  it('drops the task whose module file is broken with a diagnostic naming that file and line', () => {
    const [terraformSays] = recorded.tasks['broken-network']!.validate.output.diagnostics;
    expect(terraformSays!.range!.filename).toBe('modules/network/main.tf');
    const drop = audit.find((a) => a.dropped && a.source.path === 'tasks/broken-network/prompt.md')!;
    expect(drop).toMatchObject({ stage: 'verify', code: 'invalid-gold', range: terraformSays!.range, summary: `Gold does not verify: ${terraformSays!.summary}` });
  });

  it('lints each module of the set and plans its child modules for the security checks', () => {
    const files = (task: string) => Object.keys(recorded.tasks[task]!.fmt);
    const lint = audit.filter((a) => a.stage === 'lint');
    expect(lint.length).toBeGreaterThan(0);
    for (const a of lint) expect(files(a.source.path.split('/')[1]!)).toContain(a.range!.filename);
    // terraform_required_version is reported once per module, as `tflint --recursive` reports it
    expect(lint.filter((a) => a.source.path === 'tasks/labels/prompt.md' && a.code === 'terraform_required_version').map((a) => a.range!.filename)).toEqual(['main.tf', 'modules/label/main.tf']);
    const security = audit.filter((a) => a.stage === 'security' && a.source.path === 'tasks/network/prompt.md');
    expect(security.map((a) => a.summary).join('\n')).toMatch(/\(module\.network\.aws_vpc\.this\)/);
  });
});

describe('credentials in a module file', () => {
  it('are scrubbed in that file, the finding naming it, and the set stays valid', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tfpairs-module-secret-'));
    const write = (path: string, text: string) => (mkdirSync(dirname(join(cwd, path)), { recursive: true }), writeFileSync(join(cwd, path), text));
    write('tasks/db/prompt.md', 'A PostgreSQL database through a local module in modules/db.\n');
    write('tasks/db/main.tf', 'module "db" {\n  source = "./modules/db"\n}\n');
    write('tasks/db/modules/db/main.tf', 'resource "aws_db_instance" "this" {\n  engine            = "postgres"\n  instance_class    = "db.t3.micro"\n  allocated_storage = 20\n  username          = "app"\n  password          = "Zq8!vR2#mK5pL9xT"\n}\n');
    await cli(['build', '--offline', '--no-report', '--input', 'tasks', '--out', 'out'], { cwd });
    const [record] = await readNdjson<Rec>(join(cwd, 'out', 'records.jsonl'));
    const files = parseFileSet(record!.gold.code)!;
    expect(files.map((f) => f.path)).toEqual(['main.tf', 'modules/db/main.tf']);
    expect(record!.gold.code).not.toContain('Zq8!vR2#mK5pL9xT');
    expect(files[1]!.text).toContain('password          = "<PASSWORD>"');
    expect(record!.gold.verdict).toBe('valid');
    const audit = await readNdjson<Audit>(join(cwd, 'out', 'audit.jsonl'));
    const scrubbed = audit.filter((a) => a.stage === 'scrub' || a.stage === 'scrub-input');
    expect(scrubbed.length).toBeGreaterThan(0);
    for (const a of scrubbed) expect({ file: a.range?.filename, line: a.range?.start.line }).toEqual({ file: 'modules/db/main.tf', line: 6 });
  }, 120_000);
});

describe('tfpairs eval on predictions that are file sets', () => {
  it('judges each prediction as the files it holds, with terraform\'s diagnostics naming the module file', async () => {
    const cwd = workspace();
    await cli(['build', '--offline', '--no-report', '--input', 'tasks', '--out', 'out'], { cwd });
    const lines = await splits<{ id: string; source: { path: string } }>(join(cwd, 'out'), 'tf-gen');
    const predictions = lines.map((l) => ({
      id: l.id,
      // the network task predicted with the broken module (as a model would answer, in a fence)
      completion: l.source.path.includes('/network/') ? `\`\`\`hcl\n${fileSetOf('broken-network')}\`\`\`\n` : fileSetOf('labels'),
    }));
    writeFileSync(join(cwd, 'predictions.jsonl'), predictions.map((p) => JSON.stringify(p)).join('\n') + '\n');
    const { stdout } = await cli(['eval', '--predictions', 'predictions.jsonl', '--against', 'out', '--json'], { cwd });
    const items = (JSON.parse(stdout) as { runs: { items: { id: string; verdict: string; diagnostics: Diagnostic[] }[] }[] }).runs[0]!.items;
    const network = items.find((i) => i.id === lines.find((l) => l.source.path.includes('/network/'))!.id)!;
    const withoutSnippets = recorded.tasks['broken-network']!.validate.output.diagnostics.map(({ snippet: _s, ...d }) => d);
    expect({ verdict: network.verdict, diagnostics: network.diagnostics }).toEqual({ verdict: 'invalid', diagnostics: withoutSnippets });
    expect(items.find((i) => i !== network)!.verdict).toBe('valid');

    // the golds as predictions: eval lints and security-checks each set as the build did
    writeFileSync(join(cwd, 'golds.jsonl'), (await splits<object>(join(cwd, 'out'), 'tf-gen')).map((l) => JSON.stringify(l)).join('\n') + '\n');
    const golds = await cli(['eval', '--predictions', 'golds.jsonl', '--against', 'out', '--json'], { cwd });
    const audit = await readNdjson<Audit & { id: string }>(join(cwd, 'out', 'audit.jsonl'));
    type Checked = { id: string; lint: { issues: number }; security: { failed: string[] } };
    const checked = (JSON.parse(golds.stdout) as { runs: { items: Checked[] }[] }).runs[0]!.items;
    expect(checked.map((i) => ({ id: i.id, lint: i.lint.issues, security: [...i.security.failed].sort() }))).toEqual(
      checked.map((i) => ({
        id: i.id,
        lint: audit.filter((a) => a.id === i.id && a.stage === 'lint').length,
        security: audit.filter((a) => a.id === i.id && a.stage === 'security').map((a) => a.code).sort(),
      })),
    );
    expect(checked.some((i) => i.security.failed.length > 0 && i.lint.issues > 1)).toBe(true);
  }, 120_000);
});

describe('the plan of a file set', () => {
  it('holds the local module as terraform plans it (child_modules, resource changes, unknown outputs)', async () => {
    const task = recorded.tasks.labels!;
    const code = fileSetOf('labels');
    const ctx = createRunContext(parseConfig({}), { cwd: tmpdir(), env: {} });
    const { plan } = await planOf(ctx, code);
    const shape = (p: PlanShape) => ({
      changes: p.resource_changes.map((c) => ({ address: c.address, module: c.module_address ?? null, actions: c.change.actions, after: c.change.after, afterUnknown: c.change.after_unknown })),
      children: (p.planned_values.root_module.child_modules ?? []).map((m) => ({ address: m.address, resources: m.resources.map((r) => r.address) })),
      outputs: Object.fromEntries(Object.entries(p.output_changes).map(([k, v]) => [k, v.after_unknown])),
    });
    expect(shape(plan as unknown as PlanShape)).toEqual(shape(task.plan!));
    expect(shape(task.plan!).children).toEqual([{ address: 'module.label', resources: ['module.label.terraform_data.label'] }]);
  });
});

describe('a model that answers with several files', () => {
  let server: OpenAITestServer;
  beforeAll(async () => {
    server = await startOpenAIServer({
      respond: (call) => {
        const task = call.messages.find((m) => m.role === 'user')?.content ?? '';
        // the network task is answered with the broken module in a fence; the labels task unfenced, after prose
        if (task.includes('10.0.0.0/16')) return { kind: 'answer', content: `Here is the configuration:\n\n\`\`\`hcl\n${fileSetOf('broken-network')}\`\`\`\n` };
        return { kind: 'answer', content: `The files:\n\n${fileSetOf('labels')}` };
      },
    });
  });
  afterAll(() => server.close());

  it('keeps them as a file set, judged as files, and a DPO pair shows both sides in the same format', async () => {
    const cwd = workspace();
    await cli(['build', '--no-report', '--model', 'm', '--base-url', server.url, '--repair-turns', '0', '--input', 'tasks', '--out', 'out'], {
      cwd,
      env: { OPENAI_API_KEY: 'test', TFPAIRS_CACHE_DIR: join(cwd, 'cache') },
    });
    const records = await readNdjson<Rec>(join(cwd, 'out', 'records.jsonl'));
    const drafted = byTask(records, 'network').candidates.find((c) => c.origin === 'generated')!;
    expect(parseFileSet(drafted.code!)!.map((f) => f.path)).toEqual(Object.keys(recorded.tasks['broken-network']!.fmt));
    expect(drafted.verdict).toBe('invalid');
    expect(drafted.diagnostics).toEqual(recorded.tasks['broken-network']!.validate.output.diagnostics);
    const labels = byTask(records, 'labels').candidates.find((c) => c.origin === 'generated')!;
    expect({ code: labels.code, verdict: labels.verdict }).toEqual({ code: fileSetOf('labels'), verdict: 'valid' });

    const pairs = await splits<{ chosen: string; rejected: string; meta: { rejected_because: string; record_id: string } }>(join(cwd, 'out'), 'dpo');
    const pair = pairs.find((p) => p.rejected === drafted.code)!;
    expect(pair.meta.rejected_because).toBe('invalid');
    expect(pair.chosen).toBe(fileSetOf('network'));
  }, 120_000);
});
