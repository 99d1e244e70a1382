/**
 * @tfpairs/plan: terraform's JSON plan representation (`terraform show -json PLANFILE`) of a fresh
 * create-only plan, computed offline. See README.md for what is known, unknown and approximate.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '@tfpairs/core';
import { validateModule } from '@tfpairs/verify';
import { loadModuleTree, type ReadModule, type SourceText } from './modules';
import { assemblePlan, rootVariables, type PlanJson } from './plan';
import { planSchemas } from './schemas';

export type { PlanJson, ResourceInstance } from './plan';
export { TERRAFORM_VERSION } from './plan';

export interface BuildPlanInput {
  /** the root module's files (`.tf`; other names are ignored) */
  readonly files: readonly SourceText[];
  /** the root module's folder: local module sources and `file()` paths resolve against it */
  readonly baseDir?: string;
}

export interface BuildPlanOptions {
  /** `terraform providers schema -json` files; they win over the bundled schemas for their providers */
  readonly schemaFiles?: readonly string[];
  /** root input variables as `-var NAME=VALUE` gives them (raw strings) */
  readonly vars?: Readonly<Record<string, string>>;
}

export interface BuildPlanResult {
  /** null when the configuration is invalid or cannot be planned (the diagnostics say why) */
  readonly plan: PlanJson | null;
  readonly diagnostics: Diagnostic[];
}

/** Without `init`, validate reports local modules as not installed; the planner reads them itself. */
const isModuleNotInstalled = (d: Diagnostic) => d.summary === 'Module not installed';

function diskModuleReader(baseDir: string): ReadModule {
  return (dir) => {
    const path = join(baseDir, dir);
    if (!existsSync(path) || !statSync(path).isDirectory()) return undefined;
    return readdirSync(path)
      .filter((n) => n.endsWith('.tf'))
      .sort()
      .map((name) => ({ name, text: readFileSync(join(path, name), 'utf8') }));
  };
}

export async function buildPlan(input: BuildPlanInput, options: BuildPlanOptions = {}): Promise<BuildPlanResult> {
  const files = input.files.filter((f) => f.name.endsWith('.tf'));
  const validation = await validateModule(
    files.map((f) => ({ filename: f.name, text: f.text })),
    { schemaFiles: options.schemaFiles, baseDir: input.baseDir },
  );
  const reader = input.baseDir ? diskModuleReader(input.baseDir) : undefined;
  const relevant = validation.filter((d) => !(reader && isModuleNotInstalled(d)));
  if (relevant.some((d) => d.severity === 'error')) return { plan: null, diagnostics: relevant };
  const diagnostics: Diagnostic[] = [...relevant];
  const root = await loadModuleTree(files, reader, diagnostics);
  const schemas = planSchemas(root.config.requiredProviders, options.schemaFiles ?? []);
  const vars = await rootVariables(root, options.vars ?? {}, diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) return { plan: null, diagnostics };
  const plan = assemblePlan(root, vars, { schemas, baseDir: input.baseDir ?? '.', diagnostics }, options.vars ?? {});
  return { plan, diagnostics };
}
