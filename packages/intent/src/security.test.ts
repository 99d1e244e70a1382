import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '@tfpairs/plan';
import { checkNamespace } from '@tfpairs/policy/conftest';
import { checkResourceTypes, checksFor, loadPolicyDir, SECURITY_PACK, securityNamespaces } from './security';

/** Skipping the bundled checks whose resource types a plan lacks never loses a failure. */
describe('checksFor', () => {
  const policy = loadPolicyDir(SECURITY_PACK);
  const namespaces = securityNamespaces(policy);
  const types = checkResourceTypes(policy, namespaces);

  it('knows the resource types of every bundled check', () => {
    expect(namespaces.length).toBeGreaterThanOrEqual(40);
    expect([...types.keys()].sort()).toEqual([...namespaces].sort());
  });

  it('keeps every failure of every fixture of the pack, and skips most checks', async () => {
    const fixtures = join(SECURITY_PACK, 'fixtures');
    let run = 0;
    let all = 0;
    let failing = 0;
    for (const id of readdirSync(fixtures).sort()) {
      for (const kind of ['fail', 'pass']) {
        const text = readFileSync(join(fixtures, id, `${kind}.tf`), 'utf8');
        const { plan } = await buildPlan({ files: [{ name: 'main.tf', text }] });
        const failures = (nss: readonly string[]) => nss.flatMap((ns) => (checkNamespace(policy, plan, 'main.tf', ns).failures ?? []).map((f) => `${ns} ${f.msg}`));
        const selected = checksFor(namespaces, types, plan);
        const everything = failures(namespaces);
        expect(failures(selected), `${id}/${kind}`).toEqual(everything);
        if (kind === 'fail') expect(selected, id).toContain(`security.${id}`);
        run += selected.length;
        all += namespaces.length;
        failing += everything.length;
      }
    }
    expect(failing).toBeGreaterThan(0);
    expect(run / all).toBeLessThan(0.5);
  }, 60_000);

  it('runs every check when it knows no resource types, and none that cannot apply to an empty plan', () => {
    expect(checksFor(namespaces, undefined, { resource_changes: [] })).toEqual(namespaces);
    expect(checksFor(namespaces, types, { resource_changes: [] })).toEqual([]);
  });
});
