/**
 * @tfpairs/plan: terraform's JSON plan representation (`terraform show -json PLANFILE`) of a fresh
 * create-only plan, computed offline. See README.md for what is known, unknown and approximate.
 */
import type { Diagnostic } from '@tfpairs/core';
import { validateModule } from '@tfpairs/verify';
import { loadModuleTree, type SourceText } from './modules';
import { assemblePlan, rootVariables, type PlanJson } from './plan';
import { planSchemas } from './schemas';

export type { PlanJson, ResourceInstance } from './plan';
export { TERRAFORM_VERSION } from './plan';

export interface BuildPlanInput {
  /** the root module's files (`.tf`, `.tf.json`, override files; other names are ignored), by relative
   * path: files in subfolders (`modules/m/main.tf`) are there for the root's local module calls */
  readonly files: readonly SourceText[];
  /** the root module's folder: local module sources and `file()` paths resolve against it */
  readonly baseDir?: string;
}

export interface BuildPlanOptions {
  /** `terraform providers schema -json` files; they win over the bundled schemas for their providers */
  readonly schemaFiles?: readonly string[];
  /** root input variables as `-var NAME=VALUE` gives them (raw strings) */
  readonly vars?: Readonly<Record<string, string>>;
  /**
   * what the embedded `terraform validate` (`validateModule`) already said about exactly these files with
   * these `schemaFiles` and `baseDir`: the plan is built on it instead of validating again (a caller that
   * validated first, such as `tfpairs eval`, would otherwise pay for validation twice)
   */
  readonly validation?: readonly Diagnostic[];
}

export interface BuildPlanResult {
  /** null when the configuration is invalid or cannot be planned (the diagnostics say why) */
  readonly plan: PlanJson | null;
  readonly diagnostics: Diagnostic[];
}

export async function buildPlan(input: BuildPlanInput, options: BuildPlanOptions = {}): Promise<BuildPlanResult> {
  const files = input.files.filter((f) => f.name.endsWith('.tf') || f.name.endsWith('.tf.json'));
  const validation = options.validation
    ? [...options.validation]
    : await validateModule(
        files.map((f) => ({ filename: f.name, text: f.text })),
        { schemaFiles: options.schemaFiles, baseDir: input.baseDir },
      );
  if (validation.some((d) => d.severity === 'error')) return { plan: null, diagnostics: validation };
  const diagnostics: Diagnostic[] = [...validation];
  const root = await loadModuleTree(files, input.baseDir, diagnostics);
  const schemas = planSchemas(root.config.requiredProviders, options.schemaFiles ?? []);
  const vars = await rootVariables(root, options.vars ?? {}, diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) return { plan: null, diagnostics };
  try {
    const plan = assemblePlan(root, vars, { schemas, baseDir: input.baseDir ?? '.', diagnostics }, options.vars ?? {});
    return { plan, diagnostics };
  } catch (e) {
    // pathological inputs (expressions nested thousands deep) exhaust the stack: a finding, not a crash
    if (!(e instanceof RangeError)) throw e;
    return { plan: null, diagnostics: [...diagnostics, { severity: 'error', summary: 'Configuration too complex', detail: `The configuration could not be planned: ${e.message}.` }] };
  }
}
