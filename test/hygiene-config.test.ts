import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseFlags, resolveConfig, buildFlags } from '@tfpairs/core';
import { editDistance } from '@tfpairs/core/config/strict';
import { cli } from './cli';
import { REPO } from './paths';

const dir = mkdtempSync(join(tmpdir(), 'tfpairs-hyg-config-'));
const withFile = (json: unknown) => {
  const path = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(json));
  return path;
};
const resolved = (argv: string[]) => resolveConfig(parseFlags(argv, buildFlags).values, dir);
const problem = (argv: string[]) => {
  try {
    resolved(argv);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  return undefined;
};

describe('strict configuration', () => {
  it('an unknown key is an error naming it and the nearest valid key, also one level off', () => {
    const file = withFile({ modle: 'gpt-4o', splits: { train: 0.9 }, generate: { temprature: 0.2 } });
    const message = problem(['--config', file])!;
    expect(message).toContain('unknown key "modle" (did you mean "generate.model"?)');
    expect(message).toContain('unknown key "splits" (did you mean "split"?)');
    expect(message).toContain('unknown key "generate.temprature" (did you mean "generate.temperature"?)');
    // nothing close: no guess
    expect(problem(['--config', withFile({ zzzzzzzzzz: 1 })])).toMatch(/unknown key "zzzzzzzzzz"$/);
    // records of free keys stay free
    expect(problem(['--config', withFile({ generate: { extraParams: { stop: ['\n'] } } })])).toBeUndefined();
  });

  it('the build command reports it in one line, exit 1', async () => {
    const run = await cli(['build', '--input', 'x.jsonl', '--out', join(dir, 'o'), '--config', withFile({ modle: 'm' })], { cwd: dir, allowFailure: true });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^tfpairs build: config file .*: unknown key "modle" \(did you mean "generate.model"\?\)\n$/);
  });

  it('--split-train 0.9 alone scales val and test; impossible shares say what is needed', () => {
    expect(resolved(['--split-train', '0.9']).split).toMatchObject({ train: 0.9, val: 0.05, test: 0.05 });
    expect(resolved(['--split-train', '0.7', '--split-val', '0.2']).split).toMatchObject({ train: 0.7, val: 0.2, test: 0.1 });
    const scaled = resolved(['--split-test', '0.2']).split;
    expect([scaled.train, scaled.val, scaled.test]).toEqual([0.711111111, 0.088888889, 0.2]);
    expect(problem(['--split-train', '0.9', '--split-val', '0.2'])).toBe('split shares train 0.9 + val 0.2 = 1.1 exceed 1: the rest (test) cannot be filled in');
    expect(problem(['--split-train', '0.9', '--split-val', '0.1', '--split-test', '0.1'])).toBe(
      'split shares must add up to 1: train 0.9 + val 0.1 + test 0.1 = 1.1 (change one of --split-train and --split-val and --split-test)',
    );
  });

  it("the README shows --help, not -help (npm warns about single-dash flags given to npx)", () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    expect(readme).not.toMatch(/tfpairs [\w<>-]+ -help\b/);
    expect(readme).toContain('`tfpairs <command> --help`');
  });

  it('edit distance ignores case, dashes and underscores', () => {
    expect(editDistance('cache_dir', 'cacheDir')).toBe(0);
    expect(editDistance('modle', 'model')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
