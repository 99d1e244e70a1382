import { z } from 'zod';
import type { FlagSpec } from '../flags';

export const SandboxConfig = z.object({
  /** `docker`: also run real terraform in a container after the embedded verifier */
  mode: z.enum(['off', 'docker']).default('off'),
  image: z.string().default('tfpairs/terraform-sandbox:latest'),
  /** terraform subcommand(s): validate, or validate then plan */
  plan: z.boolean().default(false),
  timeoutMs: z.number().int().positive().default(60_000),
  /** terraform and a large provider (AWS) loading its schema need several hundred MiB */
  memoryMb: z.number().int().positive().default(1024),
  cpus: z.number().positive().default(1),
  pids: z.number().int().positive().default(256),
  concurrency: z.number().int().positive().default(2),
  /** host folder with a provider filesystem mirror / plugin cache, mounted read-only */
  pluginDir: z.string().meta({ path: true }).optional(),
  /** a .tf file with provider configuration, uploaded beside every configuration (for plan) */
  providerFile: z.string().meta({ path: true }).optional(),
  /** size of the in-memory work dir (configuration + .terraform) per container */
  workMb: z.number().int().positive().default(64),
});

export const sandboxFlags: FlagSpec[] = [
  { name: 'sandbox', type: 'string', path: 'sandbox.mode', help: 'real terraform verification: off | docker', default: 'off', arg: 'MODE' },
  { name: 'sandbox-image', type: 'string', path: 'sandbox.image', help: 'image with terraform and providers', arg: 'IMAGE' },
  { name: 'sandbox-plan', type: 'boolean', path: 'sandbox.plan', help: 'also run terraform plan' },
  { name: 'sandbox-timeout-ms', type: 'number', path: 'sandbox.timeoutMs', help: 'wall-clock limit per container', default: '60000' },
  { name: 'sandbox-memory-mb', type: 'number', path: 'sandbox.memoryMb', help: 'memory limit per container', default: '1024' },
  { name: 'sandbox-cpus', type: 'number', path: 'sandbox.cpus', help: 'CPUs per container', default: '1' },
  { name: 'sandbox-pids', type: 'number', path: 'sandbox.pids', help: 'process limit per container', default: '256' },
  { name: 'sandbox-work-mb', type: 'number', path: 'sandbox.workMb', help: 'in-memory work dir per container', default: '64' },
  { name: 'sandbox-concurrency', type: 'number', path: 'sandbox.concurrency', help: 'containers at once', default: '2' },
  { name: 'sandbox-plugin-dir', type: 'string', path: 'sandbox.pluginDir', help: 'provider mirror mounted read-only', arg: 'DIR' },
  { name: 'sandbox-provider-file', type: 'string', path: 'sandbox.providerFile', help: 'provider configuration (.tf) added for plan', arg: 'FILE' },
];
