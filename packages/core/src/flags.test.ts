import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlagError, parseFlags, type FlagSpec } from './flags';
import { ConfigError, resolveConfig } from './config';

const specs: FlagSpec[] = [
  { name: 'check', type: 'boolean', help: '' },
  { name: 'write', type: 'boolean', help: '' },
  { name: 'input', type: 'string[]', help: '' },
  { name: 'turns', type: 'number', help: '' },
  { name: 'out', type: 'string', help: '' },
];

describe('parseFlags (Go flag package semantics, as terraform)', () => {
  it('accepts one and two dashes, =value and separate values', () => {
    const { values, positionals } = parseFlags(['-check', '--write=false', '-input', 'a', '--input=b', '-turns', '3', '--out', 'o', 'x.tf'], specs);
    expect(values).toEqual({ check: true, write: false, input: ['a', 'b'], turns: 3, out: 'o' });
    expect(positionals).toEqual(['x.tf']);
  });
  it('keeps `-` as a positional and stops at `--`', () => {
    expect(parseFlags(['-', '--', '-check'], specs).positionals).toEqual(['-', '-check']);
  });
  it('rejects unknown flags, bad booleans, bad numbers, missing values', () => {
    expect(() => parseFlags(['-nope'], specs)).toThrow(FlagError);
    expect(() => parseFlags(['-check=maybe'], specs)).toThrow(/invalid boolean/);
    expect(() => parseFlags(['-turns', 'x'], specs)).toThrow(/not a number/);
    expect(() => parseFlags(['-out'], specs)).toThrow(/needs an argument/);
  });
});

describe('resolveConfig', () => {
  it('maps build flags onto the one config schema, inverted flags included', () => {
    const c = resolveConfig({ input: ['a.csv'], out: 'o', 'no-scrub': true, 'repair-turns': 0, 'split-train': 0.7, 'split-val': 0.2 }, '/elsewhere');
    expect(c.inputs).toEqual(['a.csv']);
    expect(c.out).toBe('/elsewhere/o');
    expect(c.scrub.enabled).toBe(false);
    expect(c.generate.repairTurns).toBe(0);
    expect(c.split).toMatchObject({ train: 0.7, val: 0.2, test: 0.1 });
  });
  it('says what is wrong with a bad config in one line', () => {
    // one share alone scales the others (test/hygiene-config.test.ts); three that do not add up cannot
    expect(() => resolveConfig({ 'split-train': 0.9, 'split-val': 0.1, 'split-test': 0.1 }, '/')).toThrow(ConfigError);
    expect(() => resolveConfig({ 'split-train': 0.9, 'split-val': 0.1, 'split-test': 0.1 }, '/')).toThrow(/add up to 1/);
    expect(() => resolveConfig({ config: '/nonexistent/tfpairs.json' }, '/')).toThrow(/cannot read config file/);
  });
  it('reads --config and resolves every path field against the given cwd, not the process cwd', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfpairs-config-'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ generate: { cacheDir: 'cache', templateFile: 't.txt' }, verify: { schemas: ['s.json', '/abs/s.json'] }, sandbox: { pluginDir: 'mirror' } }));
    const c = resolveConfig({ config: 'c.json', out: 'out', 'sandbox-provider-file': 'p.tf' }, dir);
    expect(c.generate.cacheDir).toBe(join(dir, 'cache'));
    expect(c.generate.templateFile).toBe(join(dir, 't.txt'));
    expect(c.verify.schemas).toEqual([join(dir, 's.json'), '/abs/s.json']);
    expect(c.sandbox.pluginDir).toBe(join(dir, 'mirror'));
    expect(c.sandbox.providerFile).toBe(join(dir, 'p.tf'));
    expect(c.out).toBe(join(dir, 'out'));
  });
});
