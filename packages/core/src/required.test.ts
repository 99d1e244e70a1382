import { describe, expect, it } from 'vitest';
import { diagnostic, finding, type Finding } from './diagnostic';
import { resolveConfig } from './config';
import { dropGoldFailingRequired, policyOrigin, requiredFailures } from './required';
import type { TaskRecord } from './record';

const lintError = finding('lint', 'aws_instance_invalid_type', diagnostic('error', '"t9.mega" is an invalid value', 'aws_instance_invalid_type (error)'), 'gold');
const lintWarning = finding('lint', 'terraform_required_version', diagnostic('warning', 'missing', 'terraform_required_version (warning)'), 'gold');
const check = finding('security', 'CKV_AWS_24', diagnostic('error', 'CKV_AWS_24: open SSH', 'title; severity LOW'), 'gold');
const denyA = finding('policy-pack', 'main', diagnostic('error', 'no VPCs', `a; ${policyOrigin('/p/a')}`), 'gold');
const warnA = finding('policy-pack', 'main', diagnostic('warning', 'a VPC', `a; ${policyOrigin('/p/a')}`), 'gold');
const denyB = finding('policy-pack', 'main', diagnostic('error', 'no VPCs', `b; ${policyOrigin('/p/b')}`), 'candidate:c1');
const all: Finding[] = [lintError, lintWarning, check, denyA, warnA, denyB];

describe('requiredFailures', () => {
  it('takes TFLint errors for lint, every failed check for security, deny results of the named folder', () => {
    expect(requiredFailures(all, 'gold', ['lint'])).toEqual([lintError]);
    expect(requiredFailures(all, 'gold', ['security'])).toEqual([check]);
    expect(requiredFailures(all, 'gold', ['/p/a'])).toEqual([denyA]);
    expect(requiredFailures(all, 'gold', ['/p/b'])).toEqual([]);
    expect(requiredFailures(all, 'candidate:c1', ['/p/b'])).toEqual([denyB]);
    expect(requiredFailures(all, 'gold', ['lint', 'security', '/p/a'])).toEqual([lintError, check, denyA]);
    expect(requiredFailures(all, 'gold', [])).toEqual([]);
  });

  it('drops a gold that fails, with the first failure kind as code, and leaves a passing one', () => {
    const record = { id: 'r', status: 'kept', gold: {}, findings: all } as unknown as TaskRecord;
    const dropped = dropGoldFailingRequired(record, 'security', ['security', '/p/a']);
    expect(dropped.status).toBe('dropped');
    const cause = dropped.findings.filter((f) => f.dropped);
    expect(cause.map((f) => [f.stage, f.code, f.subject])).toEqual([['security', 'security-required', 'gold']]);
    expect(cause[0]!.detail).toContain('CKV_AWS_24');
    expect(cause[0]!.detail).toContain('main');
    expect(dropGoldFailingRequired(record, 'security', ['/p/b'])).toBe(record);
  });
});

describe('checks.require in the config', () => {
  it('keeps lint and security as names and resolves folders against cwd', () => {
    const config = resolveConfig({ require: ['lint', 'security', 'policies/mine'], policy: ['security', './security'] }, '/w');
    expect(config.checks.require).toEqual(['lint', 'security', '/w/policies/mine']);
    expect(config.checks.policies).toEqual(['security', '/w/security']);
  });
});
