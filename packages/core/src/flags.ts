/**
 * Command-line flags in the style of Go's `flag` package, which terraform uses: `-name`, `--name`,
 * `-name=value`, `-name value` (not for booleans), `-bool=false`, and `--` ends the flags.
 * Hand-written because no npm argument parser accepts single-dash long flags the way Go does, and
 * `tfpairs fmt` / `validate` must take exactly terraform's spellings.
 */
export type FlagType = 'boolean' | 'string' | 'number' | 'string[]';

export interface FlagSpec {
  /** flag name without dashes, e.g. `repair-turns` */
  readonly name: string;
  readonly type: FlagType;
  /** dotted path into the pipeline config this flag sets, e.g. `generate.repairTurns` (build only) */
  readonly path?: string;
  readonly help: string;
  /** placeholder shown in help, e.g. `DIR` */
  readonly arg?: string;
  readonly default?: string;
  /** boolean flag that stores the opposite value at `path` (`-no-scrub` sets scrub.enabled=false) */
  readonly invert?: boolean;
}

export class FlagError extends Error {}

export interface ParsedFlags {
  readonly values: Record<string, unknown>;
  readonly positionals: string[];
}

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    // a lone `-` is a positional (stdin), as in terraform fmt -
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const spec = byName.get(name);
    if (!spec) throw new FlagError(`flag provided but not defined: -${name}`);
    let raw: string | undefined = eq < 0 ? undefined : body.slice(eq + 1);
    if (spec.type === 'boolean') {
      if (raw === undefined) values[name] = true;
      else if (/^(1|t|true|TRUE|True)$/.test(raw)) values[name] = true;
      else if (/^(0|f|false|FALSE|False)$/.test(raw)) values[name] = false;
      else throw new FlagError(`invalid boolean value "${raw}" for -${name}`);
      continue;
    }
    if (raw === undefined) {
      if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: -${name}`);
      raw = argv[++i]!;
    }
    if (spec.type === 'number') {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new FlagError(`invalid value "${raw}" for -${name}: not a number`);
      values[name] = n;
    } else if (spec.type === 'string[]') {
      values[name] = [...((values[name] as string[] | undefined) ?? []), raw];
    } else {
      values[name] = raw;
    }
  }
  return { values, positionals };
}

/** Sets `a.b.c` in a nested plain object (config overlay from flags). */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node = (next && typeof next === 'object' ? next : (node[key] = {})) as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

export function renderFlagHelp(specs: readonly FlagSpec[], dash = '--'): string {
  const rows = specs.map((s) => {
    const left = `  ${dash}${s.name}${s.type === 'boolean' ? '' : ` ${s.arg ?? s.type.toUpperCase()}`}`;
    const def = s.default !== undefined ? ` (default: ${s.default})` : '';
    return [left, `${s.help}${def}${s.type === 'string[]' ? ' (repeatable)' : ''}`] as const;
  });
  const width = Math.min(34, Math.max(...rows.map(([l]) => l.length)) + 2);
  return rows.map(([l, r]) => (l.length >= width ? `${l}\n${' '.repeat(width)}${r}` : `${l.padEnd(width)}${r}`)).join('\n');
}
