/**
 * terraform 1.11's built-in functions as `FunctionSpec`s (see ../function.ts), by name, including the
 * `core::` aliases terraform registers for each.
 *
 *   const functions = terraformFunctions({ baseDir: moduleDir });
 */
import type { FunctionSpec, Functions } from '../function';
import type { Value } from '../value';
import { collectionFunctions } from './collection';
import { conversionFunctions, typeFunction } from './conversion';
import { cryptoFunctions } from './crypto';
import { datetimeFunctions } from './datetime';
import { encodingFunctions } from './encoding';
import { fileFunctions, pathFunctions } from './filesystem';
import { networkFunctions } from './network';
import { numericFunctions } from './numeric';
import { stringFunctions } from './string';
import { terraformProviderFunctions } from './provider-terraform';

export { terraformProviderFunctions };

export interface TerraformFunctionOptions {
  /** directory relative paths resolve against (terraform's working directory) */
  readonly baseDir: string;
  readonly readFile?: (absPath: string) => Uint8Array;
  readonly homeDir?: string;
  /**
   * Impure functions (uuid, timestamp, bcrypt) give unknown values, as in terraform's validate and
   * plan; false gives real values, as console and apply do. Default true.
   */
  readonly pureOnly?: boolean;
  /** terraform console's extras: `type()` is added and `plantimestamp()` removed */
  readonly console?: boolean;
  readonly planTimestamp?: Date;
  readonly now?: () => Date;
  /** the evaluator's template engine, for templatefile */
  readonly renderTemplate?: (text: string, filename: string, vars: ReadonlyMap<string, Value>) => Value;
}

/**
 * Functions terraform evaluates specially, with unevaluated expressions as arguments: the evaluator
 * implements them (hcl's tryfunc and terraform's templatestring), so they are not in the map.
 */
export const EVALUATOR_FUNCTIONS = ['can', 'try', 'templatestring'] as const;

export function terraformFunctions(opts: TerraformFunctionOptions): Functions {
  const pureOnly = opts.pureOnly ?? true;
  const base: Record<string, FunctionSpec> = {
    ...numericFunctions,
    ...stringFunctions,
    ...collectionFunctions,
    ...encodingFunctions,
    ...conversionFunctions,
    ...networkFunctions,
    ...cryptoFunctions({ pureOnly }),
    ...datetimeFunctions({ pureOnly, ...(opts.planTimestamp ? { planTimestamp: opts.planTimestamp } : {}), ...(opts.now ? { now: opts.now } : {}) }),
    ...fileFunctions(opts),
    ...pathFunctions(opts),
  };
  if (opts.console) {
    base.type = typeFunction;
    delete base.plantimestamp;
  }
  const all: Record<string, FunctionSpec> = {};
  for (const [name, spec] of Object.entries(base)) {
    all[name] = spec;
    all[`core::${name}`] = spec;
  }
  return all;
}

/**
 * The builtin `terraform` provider's functions under `provider::<localName>::` (the evaluator adds them
 * for a module whose required_providers names `terraform.io/builtin/terraform`).
 */
export function providerFunctions(localName = 'terraform'): Functions {
  return Object.fromEntries(Object.entries(terraformProviderFunctions).map(([n, f]) => [`provider::${localName}::${n}`, f]));
}
