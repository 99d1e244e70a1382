/**
 * Which lint, security and policy findings fail a required check (`--require lint|security|DIR`):
 * the gold of a record with such a finding is dropped, a draft with one is a DPO rejected.
 *
 * The finding's severity carries each tool's own failure semantics, set by the stage that made it:
 * - `lint` (stage `lint`): TFLint's rule severity. Only `error` issues fail (TFLint's
 *   `--minimum-failure-severity=error`): TFLint's default fails on any issue, but its warnings and notices
 *   (e.g. terraform_required_version, missing in most references) are style, while its errors are
 *   configurations the provider would reject (an invalid instance type).
 * - `security` (stage `security`, the bundled Checkov-style pack): every failed check is an error, as
 *   in Checkov, where any FAILED check fails the run whatever the check's own severity (LOW..CRITICAL).
 * - a policy folder (stage `policy-pack`): conftest's semantics: `deny` and `violation` results are
 *   failures (errors), `warn` results are warnings and fail nothing. The folder is named in the finding's
 *   detail (`policyOrigin`), so two folders with the same namespace stay apart.
 */
import { diagnostic, finding, type Finding, type Subject } from './diagnostic';
import { SECURITY_PACK_NAME } from './config/checks';
import { dropRecord, type TaskRecord } from './record';

export { SECURITY_PACK_NAME };

export const LINT_REQUIRED = 'lint-required';
export const SECURITY_REQUIRED = 'security-required';
export const POLICY_REQUIRED = 'policy-required';

/** How a policy-pack finding names the folder it comes from (the end of its detail). */
export const policyOrigin = (dir: string): string => `policy folder ${dir}`;

/** The three kinds of check `--require` can name, each also a DPO rejected reason. */
export type CheckKind = 'lint' | 'security' | 'policy';

/** Which kind of check a finding comes from (its stage); null for a finding of no check. */
export function checkKindOf(f: Finding): CheckKind | null {
  return f.stage === 'lint' ? 'lint' : f.stage === 'security' ? 'security' : f.stage === 'policy-pack' ? 'policy' : null;
}

/** The kind of check one value of `--require` names (anything but `lint` and the pack's name is a folder). */
export function requirementKind(requirement: string): CheckKind {
  return requirement === 'lint' ? 'lint' : requirement === SECURITY_PACK_NAME ? 'security' : 'policy';
}

/** Whether a finding fails one required check (`lint`, `security` or a resolved policy folder). */
function failsRequirement(f: Finding, requirement: string): boolean {
  if (f.severity !== 'error') return false;
  const kind = requirementKind(requirement);
  return checkKindOf(f) === kind && (kind !== 'policy' || f.detail.endsWith(policyOrigin(requirement)));
}

/** The findings about `subject` that fail one of the required checks (empty when it passes them all). */
export function requiredFailures(findings: readonly Finding[], subject: Subject, require: readonly string[]): Finding[] {
  if (require.length === 0) return [];
  return findings.filter((f) => f.subject === subject && !f.dropped && require.some((r) => failsRequirement(f, r)));
}

const DROP_CODE: Record<CheckKind, string> = { lint: LINT_REQUIRED, security: SECURITY_REQUIRED, policy: POLICY_REQUIRED };

/**
 * The record with its gold dropped when the gold fails one of `require` (the checks the calling stage
 * made findings for): stage `stage`, code `lint-required` / `security-required` / `policy-required` by
 * the first failure, the failing checks named in the detail (the failures themselves are already findings
 * of the record). Unchanged when the record is already dropped, has no gold, or the gold passes.
 */
export function dropGoldFailingRequired(record: TaskRecord, stage: string, require: readonly string[]): TaskRecord {
  if (record.status === 'dropped' || !record.gold) return record;
  const failures = requiredFailures(record.findings, 'gold', require);
  if (failures.length === 0) return record;
  const checks = [...new Set(failures.map((f) => f.code))];
  const cause = diagnostic('error', 'Gold fails a required check', `${failures.length} failure${failures.length === 1 ? '' : 's'} of --require ${require.join(', ')}: ${checks.join(', ')}`);
  return dropRecord(record, finding(stage, DROP_CODE[checkKindOf(failures[0]!)!], cause, 'gold'));
}
