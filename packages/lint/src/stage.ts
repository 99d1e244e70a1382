import { artifactSource, artifactStage, countMetric, dropGoldFailingRequired, finding, metricSegment, passThrough, type ArtifactFn, type StageFactory } from '@tfpairs/core';
import { lintCode } from './code';
import { issueDiagnostics, type LintOptions } from './lint';

export const LINT_STAGE_VERSION = '0.2.0';
/** one options object for the run: rule selection is cached per object */
const BUILD_OPTIONS: LintOptions = { syntaxChecked: true };

/**
 * TFLint's checks on one valid artifact (artifact-level): every issue is a finding of stage `lint` with
 * the rule name as code and TFLint's severity (`error`, else warning); nothing is dropped here. Pass rate
 * per role and per model in metrics (TerraFormer's linter pass rate: an artifact passes when it has no issue).
 */
export const lintArtifact: ArtifactFn = async (ctx, artifact, subject, scope) => {
  if (artifact.code === null || artifact.verdict !== 'valid') return { artifact, findings: [] };
  // a file set is linted module by module (`code.ts`)
  const issues = await lintCode(artifact.code, BUILD_OPTIONS);
  const source = metricSegment(artifactSource(artifact));
  const outcome = issues.length === 0 ? 'pass' : 'fail';
  countMetric(ctx, `lint.${scope.role}.${outcome}`);
  countMetric(ctx, `lint.source.${source}.${outcome}`);
  const findings = issueDiagnostics(issues).map(({ code, ...d }) => {
    countMetric(ctx, `lint.rule.${code}`);
    // TFLint's severity: `error` issues are what `--require lint` fails on (@tfpairs/core requiredFailures)
    return finding('lint', code, d, subject);
  });
  return { artifact, findings };
};

/** The lint stage of `tfpairs build` (`--no-lint` switches it off): once, after every artifact exists. */
export const lintStage: StageFactory = (ctx) =>
  ctx.config.checks.lint
    ? artifactStage('lint', LINT_STAGE_VERSION, ctx, lintArtifact, {
        pending: (ref) => ref.artifact.verdict === 'valid',
        // `--require lint`: a gold with a TFLint error is dropped
        after: (record) => dropGoldFailingRequired(record, 'lint', ctx.config.checks.require.filter((r) => r === 'lint')),
      })
    : passThrough;
