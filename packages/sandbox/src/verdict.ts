import { diagnostic, type Diagnostic } from '@tfpairs/core';
import type { SandboxRun, StepResult } from './runner';
import { parsePlanJson, parseValidateJson } from './tfjson';

/** Stable codes of what can go wrong in the sandbox (audit.jsonl `code`). */
export type SandboxFailureCode =
  | 'sandbox-timeout'
  | 'sandbox-oom'
  | 'sandbox-crash'
  | 'sandbox-init-failed'
  | 'sandbox-aborted'
  | 'sandbox-cleanup-failed';

export interface SandboxProblem {
  readonly code: SandboxFailureCode;
  readonly diagnostic: Diagnostic;
}

/**
 * What the real terraform run says about one configuration. `verdict` is `unverified` whenever the
 * run did not end in a trustworthy terraform answer: a timeout, OOM kill, crash or unreadable output
 * never becomes "valid".
 */
export interface SandboxJudgement {
  readonly verdict: 'valid' | 'invalid' | 'unverified';
  /** terraform's diagnostics (validate, then plan) when it answered */
  readonly diagnostics: readonly Diagnostic[];
  readonly problems: readonly SandboxProblem[];
}

function tail(text: string, max = 1500): string {
  const t = text.trim();
  return t.length <= max ? t : `...${t.slice(-max)}`;
}

function step(run: SandboxRun, name: StepResult['name']): StepResult | undefined {
  return run.steps.find((s) => s.name === name);
}

function problem(code: SandboxFailureCode, summary: string, detail: string): SandboxProblem {
  return { code, diagnostic: diagnostic('warning', summary, detail) };
}

function lastOutput(run: SandboxRun): string {
  const last = run.steps[run.steps.length - 1];
  return tail([last ? `${last.name}: ${last.stderr || last.stdout}` : '', run.wrapperOutput].filter(Boolean).join('\n'));
}

export interface JudgeOptions {
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly plan: boolean;
}

export function judgeRun(run: SandboxRun, options: JudgeOptions): SandboxJudgement {
  const extra: SandboxProblem[] = run.cleanupError
    ? [problem('sandbox-cleanup-failed', 'Sandbox container could not be removed', run.cleanupError)]
    : [];
  const fail = (p: SandboxProblem): SandboxJudgement => ({ verdict: 'unverified', diagnostics: [], problems: [p, ...extra] });

  if (run.aborted) return fail(problem('sandbox-aborted', 'Sandbox run was interrupted', 'The run was cancelled before terraform finished.'));
  if (run.timedOut) {
    return fail(
      problem(
        'sandbox-timeout',
        `terraform did not finish within ${options.timeoutMs} ms`,
        `The container was killed at its wall-clock limit (${run.steps.map((s) => s.name).join(', ') || 'no step'} finished before).`,
      ),
    );
  }
  if (run.oomKilled) {
    return fail(
      problem(
        'sandbox-oom',
        `terraform ran out of memory (limit ${options.memoryMb} MiB)`,
        `The kernel's OOM killer stopped a process in the container. ${lastOutput(run)}`.trim(),
      ),
    );
  }
  if (run.error) return fail(problem('sandbox-crash', 'Sandbox container failed', run.error));

  const init = step(run, 'init');
  const validate = step(run, 'validate');
  if (!validate) {
    return fail(
      problem(
        'sandbox-crash',
        'terraform validate did not run to completion',
        `Container exit code ${run.exitCode ?? 'none'}. ${lastOutput(run)}`.trim(),
      ),
    );
  }
  const parsed = parseValidateJson(validate.stdout);
  if (!parsed.ok) {
    const crashed = /TERRAFORM CRASH|^panic:/m.test(validate.stderr);
    return fail(
      problem(
        'sandbox-crash',
        crashed ? 'terraform crashed during validate' : 'terraform validate gave no usable answer',
        `${parsed.error}; exit code ${validate.exitCode}. ${tail(validate.stderr)}`.trim(),
      ),
    );
  }
  if (parsed.value.valid && validate.exitCode !== 0) {
    return fail(
      problem('sandbox-crash', 'terraform validate contradicts itself', `It printed valid=true but exited ${validate.exitCode}. ${tail(validate.stderr)}`.trim()),
    );
  }
  const problems: SandboxProblem[] = [...extra];
  if (init && init.exitCode !== 0) {
    const initProblem = problem('sandbox-init-failed', 'terraform init failed in the sandbox', tail(init.stderr || init.stdout));
    // errors located in the configuration are the configuration's fault; anything else (a provider
    // missing from the mirror) leaves the configuration unjudged
    const located = parsed.value.diagnostics.some((d) => d.severity === 'error' && d.range);
    if (!parsed.value.valid && located) {
      return { verdict: 'invalid', diagnostics: parsed.value.diagnostics, problems: [initProblem, ...problems] };
    }
    return { verdict: 'unverified', diagnostics: parsed.value.diagnostics, problems: [initProblem, ...problems] };
  }
  if (!parsed.value.valid) return { verdict: 'invalid', diagnostics: parsed.value.diagnostics, problems };
  if (!options.plan) return { verdict: 'valid', diagnostics: parsed.value.diagnostics, problems };

  const plan = step(run, 'plan');
  if (!plan) {
    return fail(problem('sandbox-crash', 'terraform plan did not run to completion', `Container exit code ${run.exitCode ?? 'none'}. ${lastOutput(run)}`.trim()));
  }
  const planned = parsePlanJson(plan.stdout);
  const diagnostics = [...parsed.value.diagnostics, ...planned.diagnostics];
  if (plan.exitCode === 0) {
    if (planned.diagnostics.some((d) => d.severity === 'error') || !planned.messageTypes.includes('change_summary')) {
      return fail(problem('sandbox-crash', 'terraform plan gave no usable answer', `exit code 0 without a change summary. ${tail(plan.stderr)}`.trim()));
    }
    return { verdict: 'valid', diagnostics, problems };
  }
  if (planned.diagnostics.some((d) => d.severity === 'error')) return { verdict: 'invalid', diagnostics, problems };
  return fail(
    problem(
      'sandbox-crash',
      /TERRAFORM CRASH|^panic:/m.test(plan.stderr) ? 'terraform crashed during plan' : 'terraform plan failed without a diagnostic',
      `exit code ${plan.exitCode}. ${tail(plan.stderr || plan.stdout)}`.trim(),
    ),
  );
}
