import { z } from 'zod';
import type { FlagSpec } from '../flags';

/** The mutation operators of @tfpairs/negatives (named here so the config can check them). */
export const NEGATIVE_OPERATORS = [
  'drift-argument',
  'misspell-argument',
  'missing-required',
  'unsupported-block',
  'insufficient-blocks',
  'invalid-resource-type',
  'undeclared-reference',
  'wrong-attribute',
  'wrong-literal-type',
  'unclosed-block',
  'too-many-blocks',
  'deprecated-argument',
  // semantic: the configuration still validates, the record's intent fails
  'intent-constant',
  'intent-missing-resource',
] as const;

/** `a,b` (flag) or `["a", "b"]` (config file) -> the list of operators */
const OperatorList = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter((x) => x !== '') : v),
  z.array(z.enum(NEGATIVE_OPERATORS)).min(1),
);

export const NegativesConfig = z.object({
  /** verified synthetic negatives per record (0: none) */
  count: z.number().int().min(0).default(0),
  operators: OperatorList.default([...NEGATIVE_OPERATORS]),
  /** `real`: operators drawn as the input's real drafts' errors are distributed (else IaC-Eval's); `uniform`: evenly */
  mix: z.enum(['real', 'uniform']).default('real'),
  /** seed of the draw (default: generate.seed, else 0) */
  seed: z.number().int().optional(),
});

export const negativesFlags: FlagSpec[] = [
  { name: 'negatives', type: 'number', path: 'negatives.count', help: 'verified synthetic negatives per record (dpo-synthetic/)', default: '0', arg: 'N' },
  { name: 'negative-operators', type: 'string', path: 'negatives.operators', help: `mutation operators: ${NEGATIVE_OPERATORS.join(',')}`, arg: 'LIST' },
  { name: 'negative-mix', type: 'string', path: 'negatives.mix', help: 'operator mix: real (as the drafts\' errors) or uniform', default: 'real', arg: 'MIX' },
  { name: 'negative-seed', type: 'number', path: 'negatives.seed', help: 'seed of the negatives draw (default: --seed)' },
];
