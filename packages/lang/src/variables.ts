/**
 * An input variable's type constraint, default and value as terraform prepares them: the `type`
 * expression read as a type constraint (with optional-attribute defaults), the `default` checked
 * against it ("Invalid default value for variable"), and a given or default value with the optional
 * attributes' defaults applied and then converted to the type. During validate terraform uses an
 * unknown value of the type instead (`validateValue`).
 */
import type { Expr } from '@tfpairs/hcl';
import { T, type Type } from './types';
import { type Value, nullVal, unknownVal } from './value';
import { convert, formatConversionError } from './convert';
import { evaluate, type EvalDiagnostic } from './eval';
import { applyDefaults, parseTypeConstraint, type TypeDefaults } from './typeexpr';

export interface VariableDefinition {
  readonly type?: Expr;
  readonly default?: Expr;
}

export interface PreparedVariable {
  readonly type: Type;
  readonly defaults?: TypeDefaults;
  /** the default converted to the type (null when there is no default) */
  readonly defaultValue?: Value;
  readonly diagnostics: readonly EvalDiagnostic[];
}

export function prepareVariable(def: VariableDefinition): PreparedVariable {
  const diags: EvalDiagnostic[] = [];
  let type: Type = T.dynamic;
  let defaults: TypeDefaults | undefined;
  if (def.type) {
    const p = parseTypeConstraint(def.type);
    diags.push(...p.diagnostics);
    if (!p.diagnostics.some((d) => d.severity === 'error')) {
      type = p.type;
      defaults = p.defaults;
    }
  }
  let defaultValue: Value | undefined;
  if (def.default) {
    const r = evaluate(def.default);
    diags.push(...r.diagnostics);
    if (!r.diagnostics.some((d) => d.severity === 'error')) {
      try {
        defaultValue = convertVariable(r.value, type, defaults);
      } catch (x) {
        diags.push({ severity: 'error', summary: 'Invalid default value for variable', detail: `This default value is not compatible with the variable's type constraint: ${formatConversionError(x)}.`, range: def.default.range });
      }
    }
  }
  return { type, ...(defaults ? { defaults } : {}), ...(defaultValue ? { defaultValue } : {}), diagnostics: diags };
}

/** A value for the variable: optional attributes' defaults applied, then converted (throws ConversionError). */
export function convertVariable(v: Value, type: Type, defaults?: TypeDefaults): Value {
  const filled = defaults && v.raw !== null ? applyDefaults(defaults, v) : v;
  return convert(filled, type);
}

/** The value terraform's validate gives every input variable: unknown, of its type. */
export function validateValue(p: PreparedVariable): Value {
  return unknownVal(p.type);
}

/** The value without a given one: the default, or null of the type. */
export function defaultOrNull(p: PreparedVariable): Value {
  return p.defaultValue ?? nullVal(p.type);
}
