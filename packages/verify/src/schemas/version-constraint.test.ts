import { describe, expect, it } from 'vitest';
import { compareVersions, newestSatisfying, parseConstraint, parseVersion, satisfies, VersionConstraintError } from './version-constraint';

describe('terraform version constraints', () => {
  const cases: [constraint: string, version: string, expected: boolean][] = [
    ['~> 5.0', '5.0.0', true],
    ['~> 5.0', '5.99.3', true],
    ['~> 5.0', '6.0.0', false],
    ['~> 5.0', '4.67.0', false],
    ['~> 5.1', '5.0.9', false],
    ['~> 5.1.2', '5.1.9', true],
    ['~> 5.1.2', '5.2.0', false],
    ['~> 5.1.2', '5.1.1', false],
    ['~> 5', '5.80.0', true],
    ['~> 5', '6.0.0', false],
    ['>= 4.0, < 6.0', '5.3.0', true],
    ['>= 4.0, < 6.0', '6.0.0', false],
    ['>= 4.0, < 6.0', '3.76.1', false],
    ['>=4.0,<6.0', '4.0.0', true],
    ['= 5.1.0', '5.1.0', true],
    ['= 5.1.0', '5.1.1', false],
    ['5.1.0', '5.1.0', true],
    ['!= 5.1.0', '5.1.0', false],
    ['!= 5.1.0', '5.1.1', true],
    ['> 6.25.0', '6.25.0', false],
    ['<= 6.25.0', '6.25.0', true],
    ['>= 6.0', '6.0.0-beta1', false],
    ['= 6.0.0-beta1', '6.0.0-beta1', true],
  ];
  for (const [constraint, version, expected] of cases) {
    it(`"${constraint}" ${expected ? 'accepts' : 'rejects'} ${version}`, () => {
      expect(satisfies(version, constraint)).toBe(expected);
    });
  }

  it('rejects malformed constraints with a VersionConstraintError', () => {
    for (const bad of ['', '~>', '>= 4.0,', 'latest', '>> 4', '4.x']) {
      expect(() => parseConstraint(bad), bad).toThrow(VersionConstraintError);
    }
    expect(() => parseConstraint('>= 4.0, banana')).toThrow(/Invalid version constraint ">= 4.0, banana": "banana"/);
  });

  it('orders versions by semver precedence (pre-release below its release)', () => {
    const sorted = ['6.0.0', '5.10.0', '5.9.1', '6.0.0-beta.2', '6.0.0-beta.10', '6.0.0-alpha', '10.0.0']
      .map((v) => parseVersion(v)!)
      .sort(compareVersions)
      .map((v) => `${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}`);
    expect(sorted).toEqual(['5.9.1', '5.10.0', '6.0.0-alpha', '6.0.0-beta.2', '6.0.0-beta.10', '6.0.0', '10.0.0']);
  });

  it('picks the newest satisfying version', () => {
    const bundled = ['4.67.0', '5.100.0', '6.25.0'];
    expect(newestSatisfying(bundled)).toBe('6.25.0');
    expect(newestSatisfying(bundled, '~> 5.0')).toBe('5.100.0');
    expect(newestSatisfying(bundled, '>= 4.0, < 6.0')).toBe('5.100.0');
    expect(newestSatisfying(bundled, '< 5.0')).toBe('4.67.0');
    expect(newestSatisfying(bundled, '~> 3.0')).toBeUndefined();
  });
});
