import { z } from 'zod';
import type { FlagSpec } from '../flags';

export const ReportConfig = z.object({
  /** write OUT/report.html at the end of build */
  html: z.boolean().default(true),
});

export const reportFlags: FlagSpec[] = [
  { name: 'no-report', type: 'boolean', invert: true, path: 'report.html', help: 'do not write report.html (sets report.html=false)' },
];
