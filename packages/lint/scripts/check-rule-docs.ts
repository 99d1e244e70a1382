/**
 * Replays the examples of tflint-ruleset-terraform's (or tflint-ruleset-aws's) rule documentation (docs/rules/*.md: an ```hcl
 * configuration followed by the `$ tflint` output shown for it) through @tfpairs/lint and reports, per
 * rule, whether the same (message, line) issues come out. A `rule "NAME" { ... }` block in the docs
 * (or a heading `### style = "semver"`) configures the examples after it. Nothing from the docs is stored; the clone is read in place.
 *
 *   npx tsx packages/lint/scripts/check-rule-docs.ts GIT_DIR_OF_A_RULESET
 */
import { execFileSync } from 'node:child_process';
import { allRules, lintConfig, parseTflintConfig, type RuleConfig } from '../src/index';

const gitDir = process.argv[2];
if (!gitDir) {
  console.error('usage: check-rule-docs.ts GIT_DIR');
  process.exit(1);
}
const git = (...args: string[]) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8' });
const known = new Set(allRules().map((r) => r.name));
const docs = git('ls-tree', '--name-only', 'HEAD', 'docs/rules/').split('\n').filter((p) => /\/(terraform|aws)_\w+\.md$/.test(p));

let agree = 0;
let total = 0;
for (const path of docs) {
  const rule = path.replace(/^docs\/rules\//, '').replace(/\.md$/, '');
  if (!known.has(rule)) continue;
  const text = git('show', `HEAD:${path}`);
  const blocks = [...text.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, body: m[2]!, start: m.index, end: m.index + m[0].length }));
  let config: RuleConfig = { enabled: true };
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    // a heading such as `### style = "semver"` configures the examples under it
    const prose = text.slice(i > 0 ? blocks[i - 1]!.end : 0, b.start);
    for (const h of prose.matchAll(/^#+ (\w+) = "(\w+)"\s*$/gm)) config = { ...config, options: { ...config.options, [h[1]!]: h[2]! } };
    if (b.lang !== 'hcl') continue;
    if (/^\s*rule\s+"/m.test(b.body)) {
      const parsed = await parseTflintConfig(b.body).catch(() => undefined);
      config = parsed?.rules?.[rule] ?? config;
      continue;
    }
    const out = blocks[i + 1];
    if (!out || !out.body.includes('$ tflint')) continue;
    const expected = [...out.body.matchAll(/^(?:Warning|Notice|Error): (?:\[Fixable\] )?(.*) \((\w+)\)\n\n\s+on \S+ line (\d+):/gm)]
      .filter((m) => m[2] === rule)
      .map((m) => `${m[3]}: ${m[1]}`)
      .sort();
    const issues = await lintConfig([{ name: 'main.tf', text: b.body }], {
      only: [rule],
      config: { plugins: { terraform: { enabled: true }, aws: { enabled: true } }, rules: { [rule]: config } },
    });
    const actual = issues.map((x) => `${x.range.start.line}: ${x.message}`).sort();
    total++;
    const same = JSON.stringify(expected) === JSON.stringify(actual);
    if (same) agree++;
    else console.log(`${rule} example ${i}: expected ${JSON.stringify(expected)}\n  got ${JSON.stringify(actual)}`);
  }
}
console.log(`${agree}/${total} documented examples give the documented issues`);
