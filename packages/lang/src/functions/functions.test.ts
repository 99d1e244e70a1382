import { describe, expect, it } from 'vitest';
import { T } from '../types';
import { stringVal, objectVal, type Value } from '../value';
import { callFunction } from '../function';
import { providerFunctions, terraformFunctions } from './index';

const call = (fns: ReturnType<typeof terraformFunctions>, name: string, ...args: Value[]) => callFunction(fns[name]!, args);

describe('terraformFunctions options', () => {
  it('registers every function under core:: too', () => {
    const fns = terraformFunctions({ baseDir: '/nowhere' });
    expect(call(fns, 'core::upper', stringVal('a')).asString()).toBe('A');
    expect(Object.keys(fns).filter((n) => !n.startsWith('core::')).length).toBeGreaterThan(110);
  });

  it('gives impure functions unknown results unless pureOnly is false', () => {
    expect(call(terraformFunctions({ baseDir: '/' }), 'uuid').isKnown).toBe(false);
    const real = call(terraformFunctions({ baseDir: '/', pureOnly: false }), 'uuid').asString();
    expect(real).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const fixed = terraformFunctions({ baseDir: '/', pureOnly: false, now: () => new Date('2020-02-03T04:05:06.789Z') });
    expect(call(fixed, 'timestamp').asString()).toBe('2020-02-03T04:05:06Z');
  });

  it('has type() only in console mode, where plantimestamp() is absent', () => {
    const console = terraformFunctions({ baseDir: '/', console: true });
    expect(call(console, 'type', objectVal({ a: stringVal('x') })).asString()).toBe('object({\n    a: string,\n})');
    expect(console.plantimestamp).toBeUndefined();
    expect(terraformFunctions({ baseDir: '/' }).type).toBeUndefined();
  });

  it('resolves relative paths against baseDir through the given reader', () => {
    const seen: string[] = [];
    const fns = terraformFunctions({ baseDir: '/mod', readFile: (p) => (seen.push(p), Buffer.from('hi')) });
    expect(call(fns, 'file', stringVal('a/b.txt')).asString()).toBe('hi');
    expect(call(fns, 'abspath', stringVal('x')).asString()).toBe('/mod/x');
    expect(seen).toEqual(['/mod/a/b.txt']);
  });

  it('renders templatefile through the evaluator-provided renderer with the vars', () => {
    const fns = terraformFunctions({
      baseDir: '/t',
      readFile: () => Buffer.from('Hi ${name}'),
      renderTemplate: (text, file, vars) => stringVal(`${text}|${file}|${vars.get('name')!.asString()}`),
    });
    expect(call(fns, 'templatefile', stringVal('g.tmpl'), objectVal({ name: stringVal('x') })).asString()).toBe('Hi ${name}|g.tmpl|x');
  });

  it('names provider functions under the local name of the terraform provider', () => {
    const fns = providerFunctions('tf');
    expect(callFunction(fns['provider::tf::encode_expr']!, [objectVal({ a: stringVal('x') })]).asString()).toBe('{\n  a = "x"\n}');
    expect(fns['provider::tf::encode_tfvars']!.params[0]!.type).toBe(T.dynamic);
  });
});
