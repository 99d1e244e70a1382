/**
 * Terraform's provider version constraints (`~> 5.0`, `>= 4.0, < 6.0`, `= 5.1.0`, `!= 5.2.0`).
 *
 * Hand-written because the npm `semver` package has different `~>`/partial-version semantics from
 * terraform (which uses apparentlymart/go-versions in "Ruby style"): a constraint is a comma-separated
 * list of `<op> <version>` conditions, all of which must hold; partial versions are zero-padded
 * (`>= 5` = `>= 5.0.0`); `~>` lets only the rightmost given component grow (`~> 5.1` = `>= 5.1.0, < 6.0.0`,
 * `~> 5.1.2` = `>= 5.1.2, < 5.2.0`, and `~> 5` = `>= 5.0.0, < 6.0.0`). Pre-releases (`6.0.0-beta1`)
 * only match a condition that names that exact pre-release, as in terraform.
 */

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** without the leading `-`; '' for a release */
  readonly prerelease: string;
}

export type ConstraintOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~>';

export interface Condition {
  readonly op: ConstraintOp;
  readonly version: Version;
  /** how many numeric components were written (1..3), which `~>` depends on */
  readonly given: number;
}

export class VersionConstraintError extends Error {
  constructor(readonly constraint: string, reason: string) {
    super(`Invalid version constraint "${constraint}": ${reason}`);
    this.name = 'VersionConstraintError';
  }
}

const VERSION_RE = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parseVersionParts(text: string): { version: Version; given: number } | undefined {
  const m = VERSION_RE.exec(text.trim());
  if (!m) return undefined;
  const given = m[3] !== undefined ? 3 : m[2] !== undefined ? 2 : 1;
  return {
    version: { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0), prerelease: m[4] ?? '' },
    given,
  };
}

/** Parses `6.25.0` (or `v6.25.0`, `6.0.0-beta1`); undefined when it is not a version. */
export function parseVersion(text: string): Version | undefined {
  return parseVersionParts(text)?.version;
}

export function formatVersion(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}`;
}

/** Semver precedence: numeric parts, then a release ranks above any of its pre-releases. */
export function compareVersions(a: Version, b: Version): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  if (a.patch !== b.patch) return a.patch - b.patch;
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === '') return 1;
  if (b.prerelease === '') return -1;
  return comparePrerelease(a.prerelease, b.prerelease);
}

function comparePrerelease(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

const CONDITION_RE = /^(~>|>=|<=|!=|=|>|<)?\s*(\S+)$/;

/** Parses a whole constraint string; throws VersionConstraintError with terraform-like reasons. */
export function parseConstraint(constraint: string): readonly Condition[] {
  const parts = constraint.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) {
    throw new VersionConstraintError(constraint, 'a condition is empty');
  }
  return parts.map((part) => {
    const m = CONDITION_RE.exec(part);
    const parsed = m ? parseVersionParts(m[2] ?? '') : undefined;
    if (!m || !parsed) throw new VersionConstraintError(constraint, `"${part}" is not "<operator> <version>"`);
    return { op: (m[1] ?? '=') as ConstraintOp, version: parsed.version, given: parsed.given };
  });
}

function upperBoundOfPessimistic(c: Condition): Version {
  // `~> 5` and `~> 5.1` both let the minor grow; `~> 5.1.2` lets only the patch grow
  if (c.given <= 2) return { major: c.version.major + 1, minor: 0, patch: 0, prerelease: '' };
  return { major: c.version.major, minor: c.version.minor + 1, patch: 0, prerelease: '' };
}

function conditionHolds(v: Version, c: Condition): boolean {
  // a pre-release is only selected by a condition that names it exactly
  if (v.prerelease !== '' && !(c.version.prerelease === v.prerelease && sameRelease(v, c.version))) return false;
  const cmp = compareVersions(v, c.version);
  switch (c.op) {
    case '=': return cmp === 0;
    case '!=': return cmp !== 0;
    case '>': return cmp > 0;
    case '>=': return cmp >= 0;
    case '<': return cmp < 0;
    case '<=': return cmp <= 0;
    case '~>': return cmp >= 0 && compareVersions(v, upperBoundOfPessimistic(c)) < 0;
  }
}

function sameRelease(a: Version, b: Version): boolean {
  return a.major === b.major && a.minor === b.minor && a.patch === b.patch;
}

export function satisfies(version: Version | string, constraint: string | readonly Condition[]): boolean {
  const v = typeof version === 'string' ? parseVersion(version) : version;
  if (!v) return false;
  const conditions = typeof constraint === 'string' ? parseConstraint(constraint) : constraint;
  return conditions.every((c) => conditionHolds(v, c));
}

/** The newest of `versions` that satisfies `constraint` (all of them when it is undefined). */
export function newestSatisfying(versions: readonly string[], constraint?: string): string | undefined {
  const conditions = constraint === undefined ? [] : parseConstraint(constraint);
  let best: { text: string; version: Version } | undefined;
  for (const text of versions) {
    const v = parseVersion(text);
    if (!v || !satisfies(v, conditions)) continue;
    if (!best || compareVersions(v, best.version) > 0) best = { text, version: v };
  }
  return best?.text;
}
