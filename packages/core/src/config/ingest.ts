import { z } from 'zod';
import type { FlagSpec } from '../flags';

/** How input files are read. */
export const IngestConfig = z.object({
  /** decode .csv/.jsonl inputs from this encoding (WHATWG name: windows-1252, utf-16le, ...); default: they must be UTF-8 */
  inputEncoding: z
    .string()
    .refine(
      (name) => {
        try {
          new TextDecoder(name);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'not an encoding this runtime can decode (e.g. windows-1252, iso-8859-15, utf-16le, shift_jis)' },
    )
    .optional(),
  /** a prompt longer than this many characters is a warning finding (it may not fit a model's context) */
  maxPromptChars: z.number().int().positive().default(16_000),
});

export const ingestFlags: FlagSpec[] = [
  { name: 'input-encoding', type: 'string', path: 'ingest.inputEncoding', help: 'decode .csv/.jsonl inputs from this encoding (default: they must be UTF-8)', arg: 'NAME' },
  { name: 'max-prompt-chars', type: 'number', path: 'ingest.maxPromptChars', help: 'warn about prompts longer than this', default: '16000' },
];
