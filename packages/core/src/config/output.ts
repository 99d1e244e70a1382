import { z } from 'zod';
import type { FlagSpec } from '../flags';

/** How the corpora are written for the Hub and TRL (line format, dataset card). */
export const OutputConfig = z.object({
  /**
   * TRL's two dataset formats: `standard` (prompt/completion/chosen/rejected as strings) or
   * `conversational` (`prompt` a list of `{role, content}` messages, answers as assistant messages,
   * SFT lines also as `messages`)
   */
  format: z.enum(['standard', 'conversational']).default('standard'),
  /** a system message put first in every conversational prompt */
  systemPrompt: z.string().min(1).optional(),
  /** the dataset's license identifier for the card (Hub spelling, e.g. `apache-2.0`, `cc-by-4.0`); unset is said so */
  license: z.string().min(1).optional(),
  /** the dataset's name in the card's title (default: the output folder's name) */
  name: z.string().min(1).optional(),
});

export const outputFlags: FlagSpec[] = [
  { name: 'format', type: 'string', path: 'output.format', help: 'corpus line format: standard | conversational (TRL)', default: 'standard', arg: 'FORMAT' },
  { name: 'system-prompt', type: 'string', path: 'output.systemPrompt', help: 'system message first in every conversational prompt', arg: 'TEXT' },
  { name: 'license', type: 'string', path: 'output.license', help: 'license of the dataset, for README.md (e.g. apache-2.0)', arg: 'ID' },
  { name: 'dataset-name', type: 'string', path: 'output.name', help: "dataset name in README.md's title (default: the folder name)", arg: 'NAME' },
];
