export { lintConfig, lintReport, issueDiagnostics, enabledRules, allRules, sortIssues, DEFAULT_CONFIG, type LintOptions, type LintReport, type TflintConfig, type PluginConfig, type RuleConfig } from './lint';
export { parseTflintConfig, TflintConfigError } from './config';
export { formatJson, formatCompact, formatDefault } from './format';
export type { LintIssue, LintSeverity, Rule } from './rule';
export type { ModuleFile } from './module';
export * from './stage';
export { lintCode } from './code';
