import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { secretLintProfiler } from '@secretlint/profiler';
import { scrubText } from './index';

describe('secretlint profiling is off', () => {
  it('scrubbing leaves no performance marks behind (they made a large corpus quadratic)', async () => {
    performance.clearMarks();
    const before = (await secretLintProfiler.getEntries()).length;
    for (let i = 0; i < 20; i++) await scrubText(`resource "aws_db_instance" "d${i}" {\n  password = "Zq8${i}vR2mW9xLp4Tn"\n}\n`, { kind: 'hcl' });
    expect(performance.getEntriesByType('mark')).toHaveLength(0);
    expect((await secretLintProfiler.getEntries()).length).toBe(before);
  });
});
