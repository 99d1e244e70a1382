import { describe, expect, it } from 'vitest';
import { validateModule } from '@tfpairs/verify';
import { buildPlan } from './index';

const CODE = 'variable "name" {\n  type    = string\n  default = "logs"\n}\n\nresource "aws_s3_bucket" "b" {\n  bucket = var.name\n}\n';

describe('buildPlan on a validation the caller already has', () => {
  it('plans the same as when it validates itself', async () => {
    const validation = await validateModule([{ filename: 'main.tf', text: CODE }]);
    const own = await buildPlan({ files: [{ name: 'main.tf', text: CODE }] });
    const given = await buildPlan({ files: [{ name: 'main.tf', text: CODE }] }, { validation });
    expect(own.plan).not.toBeNull();
    expect(given).toEqual(own);
  });

  it('takes the given diagnostics as the verdict (it does not validate again)', async () => {
    const error = { severity: 'error' as const, summary: 'Given error', detail: 'from the caller' };
    const result = await buildPlan({ files: [{ name: 'main.tf', text: CODE }] }, { validation: [error] });
    expect(result).toEqual({ plan: null, diagnostics: [error] });
  });
});
