import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import {
  ConfigError,
  createRunContext,
  FlagError,
  parseFlags,
  renderFlagHelp,
  resolveConfig,
  diagnostic,
  type Command,
  type Diagnostic,
  type FlagSpec,
} from '@tfpairs/core';
import { sandboxFlags } from '@tfpairs/core/config/sandbox';
import { verifyFlags } from '@tfpairs/core/config/verify';
import { loadSchemaSet, validateModule } from '@tfpairs/verify';
import { compareConfiguration, renderFidelity, summarise, type ConfigurationFidelity } from './fidelity';
import { openSandbox, PROVIDER_FILE_NAME, SandboxVerifier } from './stage';

const FIDELITY_FLAGS: FlagSpec[] = [
  ...sandboxFlags.filter((f) => f.name !== 'sandbox'),
  ...verifyFlags,
  { name: 'json', type: 'boolean', help: 'machine-readable report on stdout' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

export const FIDELITY_HELP = `Usage: tfpairs fidelity [--sandbox-image IMAGE] [-json] [flags] PATH...

Runs tfpairs' embedded verifier and real terraform (init -backend=false, validate -json; plan with
--sandbox-plan) in a locked-down Docker container on the same configurations, and reports verdict
agreement and which diagnostics each reported. PATH is a folder (its *.tf files form one
configuration) or a single .tf file. Use your own image (terraform + your provider versions) to
measure tfpairs against them.
Exit status: 0 when the report was written (disagreements are data), 1 on bad arguments, unreadable
paths or when no Docker engine / image is available.

Flags:
${renderFlagHelp(FIDELITY_FLAGS)}
`;

/** A configuration: the *.tf files of a folder, or one .tf file. */
function readConfiguration(path: string): Record<string, string> {
  const stat = statSync(path);
  if (stat.isDirectory()) {
    const names = readdirSync(path)
      .filter((n) => n.endsWith('.tf'))
      .sort();
    if (names.length === 0) throw new ConfigError(`${path}: no .tf files in this folder`);
    return Object.fromEntries(names.map((n) => [n, readFileSync(resolve(path, n), 'utf8')]));
  }
  return { [basename(path)]: readFileSync(path, 'utf8') };
}

export const fidelityCommand: Command = async (argv, io) => {
  let config;
  let paths: string[];
  let json = false;
  const configurations: { path: string; files: Record<string, string> }[] = [];
  try {
    const { values, positionals } = parseFlags(argv, FIDELITY_FLAGS);
    if (values.help) {
      io.stdout.write(FIDELITY_HELP);
      return 0;
    }
    json = Boolean(values.json);
    config = resolveConfig(values, io.cwd, FIDELITY_FLAGS);
    paths = positionals;
    // named as the user typed it; read from where it was resolved
    config.verify.schemas.forEach((file, i) => {
      try {
        loadSchemaSet({ userSchemaFiles: [file] });
      } catch (e) {
        throw new ConfigError(`schema ${(values.schema as string[] | undefined)?.[i] ?? file}: ${(e as Error).message}`);
      }
    });
    if (paths.length === 0) throw new FlagError('no configuration given: tfpairs fidelity [flags] PATH...');
    for (const p of paths) {
      const abs = resolve(io.cwd, p);
      try {
        configurations.push({ path: p, files: readConfiguration(abs) });
      } catch (e) {
        if (e instanceof ConfigError) throw e;
        throw new ConfigError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
  } catch (e) {
    if (e instanceof FlagError || e instanceof ConfigError) {
      io.stderr.write(`tfpairs fidelity: ${e.message}\n`);
      return 1;
    }
    throw e;
  }

  const settings = { ...config.sandbox, mode: 'docker' as const };
  const opening = await openSandbox(settings, io.env);
  if (!opening.ok) {
    io.stderr.write(`tfpairs fidelity: ${opening.warning.summary.replace(/^Sandbox stage skipped: /, '')}\n  ${opening.warning.detail}\n`);
    return 1;
  }
  const ctx = createRunContext({ ...config, sandbox: settings }, { cwd: io.cwd, env: io.env });
  let extraFiles: Record<string, string> = {};
  if (settings.providerFile) {
    try {
      extraFiles = { [PROVIDER_FILE_NAME]: readFileSync(settings.providerFile, 'utf8') };
    } catch (e) {
      io.stderr.write(`tfpairs fidelity: cannot read ${settings.providerFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      return 1;
    }
  }
  const verifier = new SandboxVerifier(opening.docker, settings, ctx, extraFiles);

  // terraform runs in the container pool while the embedded verifier works through the same list
  const terraform = configurations.map((c) => verifier.judge(c.files));
  const results: ConfigurationFidelity[] = [];
  for (const [i, c] of configurations.entries()) {
    let diagnostics: Diagnostic[];
    try {
      diagnostics = await validateModule(
        Object.entries(c.files).map(([filename, text]) => ({ filename, text })),
        { schemaFiles: config.verify.schemas, providerChecks: config.verify.providerChecks },
      );
    } catch (e) {
      // an embedded-verifier failure is a result of this measurement, not a reason to stop it
      diagnostics = [diagnostic('error', 'Embedded verifier failed', (e as Error).message)];
    }
    const embedded = { verdict: diagnostics.some((d) => d.severity === 'error') ? ('invalid' as const) : ('valid' as const), diagnostics };
    results.push(compareConfiguration(c.path, Object.keys(c.files), embedded, await terraform[i]!));
    if (!json) io.stderr.write(`\r  ${i + 1}/${configurations.length} configurations`);
  }
  if (!json) io.stderr.write('\n');
  const summary = summarise(results);
  if (json) {
    io.stdout.write(`${JSON.stringify({ format_version: '1.0', image: settings.image, configurations: results, summary }, null, 2)}\n`);
  } else {
    io.stdout.write(renderFidelity(results, summary, settings.image));
  }
  for (const w of ctx.warnings) io.stderr.write(`warning: ${w.summary}: ${w.detail}\n`);
  return 0;
};
