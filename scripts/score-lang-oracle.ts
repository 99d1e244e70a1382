/**
 * Scores the embedded validate against the recorded language oracle (issue 19's metrics): the share of
 * cases whose multiset of (severity, summary, start line) equals terraform's, and the number of valid
 * cases that get a false error. Dev and held-out cases are reported apart; `--held-out` adds the
 * held-out list (run it only at the end), `-v` prints every differing case.
 *
 *   npx tsx scripts/score-lang-oracle.ts [-v] [--held-out]
 */
import { fileURLToPath } from 'node:url';
import { scoreLangOracle } from '../packages/verify/src/lang-oracle';

const FIXTURES = fileURLToPath(new URL('../packages/verify/src/__fixtures__/lang-oracle/', import.meta.url));
const verbose = process.argv.includes('-v');
const showHeld = process.argv.includes('--held-out');
const results = await scoreLangOracle(FIXTURES);
for (const heldOut of [false, true]) {
  const rs = results.filter((r) => r.heldOut === heldOut);
  const same = rs.filter((r) => r.same).length;
  const valid = rs.filter((r) => r.wantValid);
  const falseErrors = valid.filter((r) => !r.gotValid).length;
  const missed = rs.filter((r) => !r.wantValid && r.gotValid).length;
  console.log(`${heldOut ? 'held-out' : 'dev     '}: ${same}/${rs.length} identical (${((100 * same) / rs.length).toFixed(1)} %), false errors on valid configs: ${falseErrors}/${valid.length}, invalid judged valid: ${missed}`);
  if (verbose && (!heldOut || showHeld)) {
    for (const r of rs.filter((x) => !x.same)) console.log(`  ${r.name}\n    want: ${r.want.join(' | ')}\n    got:  ${r.got.join(' | ')}`);
  }
}
