/**
 * `.tflint.hcl` (or `.tflint.json`): `config { disabled_by_default, format, force }`, `plugin "NAME" {
 * enabled, preset }` and `rule "NAME" { enabled, ...options }`, read with HashiCorp's parser.
 */
import { hclToJson } from '@tfpairs/hcl/syntax';
import type { PluginConfig, RuleConfig, TflintConfig } from './lint';

type Json = Record<string, unknown>;

/** hcl2json gives every block as a list of bodies; nested option blocks become plain objects */
function unwrap(v: unknown): unknown {
  if (Array.isArray(v) && v.length === 1 && v[0] && typeof v[0] === 'object' && !Array.isArray(v[0])) return unwrap(v[0]);
  if (v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, unwrap(x)]));
  return v;
}

export class TflintConfigError extends Error {}

export async function parseTflintConfig(text: string, filename = '.tflint.hcl'): Promise<TflintConfig> {
  let raw: Json;
  try {
    raw = filename.endsWith('.json') ? (JSON.parse(text) as Json) : ((await hclToJson(filename, text)) as Json);
  } catch (e) {
    throw new TflintConfigError(`Failed to load TFLint config; ${(e as Error).message}`);
  }
  const top = unwrap(raw) as Json;
  const config = (top.config ?? {}) as Json;
  const plugins: Record<string, PluginConfig> = {};
  for (const [name, body] of Object.entries((top.plugin ?? {}) as Record<string, Json>)) {
    plugins[name] = { enabled: body.enabled === true, preset: typeof body.preset === 'string' ? body.preset : undefined };
  }
  const rules: Record<string, RuleConfig> = {};
  for (const [name, body] of Object.entries((top.rule ?? {}) as Record<string, Json>)) {
    const { enabled, ...options } = body;
    rules[name] = { enabled: typeof enabled === 'boolean' ? enabled : undefined, options };
  }
  return {
    disabledByDefault: config.disabled_by_default === true,
    format: typeof config.format === 'string' ? config.format : undefined,
    force: config.force === true,
    plugins,
    rules,
  };
}
