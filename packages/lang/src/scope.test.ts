/**
 * The terraform scope's resource and data lookups (the oracles cover var, local, count, path, terraform
 * and undeclared resources): the callback's value is traversed with HCL's rules.
 */
import { describe, expect, it } from 'vitest';
import { parseFile } from '@tfpairs/hcl';
import { evaluateInScope, type TerraformScope } from './scope';
import { T, objectOf } from './types';
import { objectVal, stringVal, unknownVal, tupleVal } from './value';

const instance = objectVal({ id: unknownVal(T.string), ami: stringVal('ami-1') });
const scope: TerraformScope = {
  resource: (mode, type, name) => {
    if (mode === 'managed' && type === 'aws_instance' && name === 'web') return instance;
    if (mode === 'managed' && type === 'aws_instance' && name === 'many') return tupleVal([instance, instance]);
    if (mode === 'data' && type === 'aws_ami' && name === 'x') return unknownVal(objectOf({ id: T.string }));
    return undefined;
  },
};

async function run(src: string) {
  const f = await parseFile('main.tf', `x = ${src}\n`);
  return evaluateInScope(f.body.attributes[0]!.expr, scope);
}

describe('terraform scope', () => {
  it('traverses resource values from the callback', async () => {
    expect((await run('aws_instance.web.ami')).value.raw).toBe('ami-1');
    expect((await run('aws_instance.web.id')).value.isKnown).toBe(false);
    expect((await run('aws_instance.many[1].ami')).value.raw).toBe('ami-1');
    expect((await run('aws_instance.many[*].ami')).value.elements().map((e) => e.raw)).toEqual(['ami-1', 'ami-1']);
    expect((await run('data.aws_ami.x.id')).value.type).toBe(T.string);
  });

  it('reports missing attributes and undeclared resources as terraform does', async () => {
    const r = await run('aws_instance.web.nope');
    expect(r.diagnostics.map((d) => [d.summary, d.detail])).toEqual([['Unsupported attribute', 'This object does not have an attribute named "nope".']]);
    const u = await run('data.aws_vpc.main.id');
    expect(u.diagnostics.map((d) => [d.summary, d.detail])).toEqual([['Reference to undeclared resource', 'A data resource "aws_vpc" "main" has not been declared in the root module.']]);
    const d = await run('data.aws_vpc');
    expect(d.diagnostics[0]!.detail).toBe('The "data" object must be followed by two attribute names: the data source type and the resource name.');
  });
});
