/**
 * tflint-ruleset-aws's checks that need no AWS API call: the generated value rules (enum, length and
 * pattern of top-level string arguments, from the AWS API models) and the hand-written instance-type,
 * engine, parameter-group, route and protocol rules. Their data is derived from that ruleset by
 * scripts/extract-aws-data.ts into data/aws-rules.json (see README); the logic here is ours.
 */
import { readFileSync } from 'node:fs';
import type { Block } from '@tfpairs/hcl';
import type { LintSeverity, Rule, RuleContext } from './rule';

/** one generated value rule of tflint-ruleset-aws (rules/models there) */
export interface ModelRule {
  name: string;
  resource: string;
  attribute: string;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  sensitive?: boolean;
}

interface AwsData {
  source: { repository: string; version: string; commit: string };
  instancePreviousFamilies: string[];
  dbInstanceClasses: string[];
  dbInstancePreviousClasses: string[];
  dbEngines: string[];
  elastiCacheNodeTypes: string[];
  elastiCachePreviousFamilies: string[];
  s3BucketAcls: string[];
  mqEngineTypes: string[];
  securityGroupProtocols: string[];
  routeTargets: string[];
  models: ModelRule[];
}

let loaded: AwsData | undefined;
export function awsData(): AwsData {
  loaded ??= JSON.parse(readFileSync(new URL('../data/aws-rules.json', import.meta.url), 'utf8')) as AwsData;
  return loaded;
}

const link = (name: string) => `https://github.com/terraform-linters/tflint-ruleset-aws/blob/v${awsData().source.version}/docs/rules/${name}.md`;

function resources(ctx: RuleContext, type: string): readonly Block[] {
  return ctx.module.resources(type);
}

/** A rule over one top-level argument's known string value (TFLint's EvaluateExpr callback). */
function valueRule(name: string, severity: LintSeverity, resource: string, attribute: string, check: (value: string) => string | undefined, withLink = true): Rule {
  return {
    name,
    severity,
    link: withLink ? link(name) : '',
    plugin: 'aws',
    enabledByDefault: true,
    resourceTypes: [resource],
    check(ctx) {
      for (const b of resources(ctx, resource)) {
        const a = b.body.attributes.find((x) => x.name === attribute);
        if (!a) continue;
        const v = ctx.module.evalString(a.expr);
        if (v === undefined) continue;
        const message = check(v);
        if (message) ctx.emit(message, a.expr.range);
      }
    },
  };
}

/** the models' truncateLongMessage: newlines escaped, at most 80 characters */
function truncate(s: string): string {
  const flat = s.replace(/\r\n/g, '\n').replace(/\n/g, '\\n');
  const chars = [...flat];
  return chars.length > 80 ? chars.slice(0, 80).join('') + '...' : flat;
}

/** Go RE2 syntax of the models as a JavaScript RegExp (`(?s)`, `\x{...}`, `\A`, `\z`). */
export function goRegExp(pattern: string): RegExp | undefined {
  let flags = 'u';
  let p = pattern;
  if (p.includes('(?s)')) {
    p = p.replace(/\(\?s\)/g, '');
    flags += 's';
  }
  p = p.replace(/\\x\{([0-9A-Fa-f]+)\}/g, '\\u{$1}').replace(/\\A/g, '^').replace(/\\z/g, '$');
  try {
    return new RegExp(p, flags);
  } catch {
    try {
      return new RegExp(p, flags.replace('u', ''));
    } catch {
      return undefined;
    }
  }
}

function modelRule(m: ModelRule): Rule {
  let re: RegExp | undefined | null = null;
  const enumSet = m.enum ? new Set(m.enum) : undefined;
  return {
    name: m.name,
    severity: 'error',
    link: '',
    plugin: 'aws',
    enabledByDefault: true,
    resourceTypes: [m.resource],
    check(ctx) {
      for (const b of resources(ctx, m.resource)) {
        const a = b.body.attributes.find((x) => x.name === m.attribute);
        if (!a) continue;
        const v = ctx.module.evalString(a.expr);
        if (v === undefined) continue;
        const bytes = Buffer.byteLength(v);
        if (m.max && bytes > m.max) ctx.emit(`${m.attribute} must be ${m.max} characters or less`, a.expr.range);
        if (m.min && bytes < m.min) ctx.emit(`${m.attribute} must be ${m.min} characters or higher`, a.expr.range);
        if (m.pattern) {
          if (re === null) re = goRegExp(m.pattern);
          if (re && !re.test(v)) {
            ctx.emit(m.sensitive ? `${m.attribute} does not match valid pattern ${m.pattern}` : `"${truncate(v)}" does not match valid pattern ${m.pattern}`, a.expr.range);
          }
        }
        if (enumSet && !enumSet.has(v)) ctx.emit(m.sensitive ? `${m.attribute} is an invalid value` : `"${truncate(v)}" is an invalid value as ${m.attribute}`, a.expr.range);
      }
    },
  };
}

function routeRule(name: string, test: (targets: number) => boolean, message: () => string): Rule {
  return {
    name,
    severity: 'error',
    link: link(name),
    plugin: 'aws',
    enabledByDefault: true,
    resourceTypes: ['aws_route'],
    check(ctx) {
      const targets = new Set(awsData().routeTargets);
      for (const b of resources(ctx, 'aws_route')) {
        // a target counts unless it is a known null (unknown values count, as in TFLint)
        const n = b.body.attributes.filter((a) => targets.has(a.name) && ctx.module.evalLiteral(a.expr) !== null).length;
        if (test(n)) ctx.emit(message(), b.defRange);
      }
    },
  };
}

function protocolCheck(protocols: Set<string>) {
  return (p: string) => (/^[+-]?\d+$/.test(p) || protocols.has(p.toLowerCase()) ? undefined : `"${p}" is an invalid protocol.`);
}

let built: Rule[] | undefined;

export function awsRules(): readonly Rule[] {
  if (built) return built;
  const d = awsData();
  const dbClasses = new Set(d.dbInstanceClasses);
  const dbPrevious = new Set(d.dbInstancePreviousClasses);
  const engines = new Set(d.dbEngines);
  const cacheTypes = new Set(d.elastiCacheNodeTypes);
  const cachePrevious = new Set(d.elastiCachePreviousFamilies);
  const instancePrevious = new Set(d.instancePreviousFamilies);
  const acls = new Set(d.s3BucketAcls);
  const mq = new Set(d.mqEngineTypes);
  const protocols = new Set(d.securityGroupProtocols);
  const isDefault = (v: string) => (v.startsWith('default') ? `"${v}" is default parameter group. You cannot edit it.` : undefined);
  const cacheInvalid = (v: string) => (cacheTypes.has(v) ? undefined : `"${v}" is invalid node type.`);
  const cacheOld = (v: string) => {
    const parts = v.split('.');
    return parts.length === 3 && cachePrevious.has(parts[1]!) ? `"${v}" is previous generation node type.` : undefined;
  };
  const handWritten: Rule[] = [
    valueRule('aws_db_instance_default_parameter_group', 'notice', 'aws_db_instance', 'parameter_group_name', isDefault),
    valueRule('aws_db_instance_invalid_engine', 'error', 'aws_db_instance', 'engine', (v) => (engines.has(v) ? undefined : `"${v}" is invalid engine.`)),
    valueRule('aws_db_instance_invalid_type', 'error', 'aws_db_instance', 'instance_class', (v) => (dbClasses.has(v) ? undefined : `"${v}" is invalid instance type.`)),
    valueRule('aws_db_instance_previous_type', 'warning', 'aws_db_instance', 'instance_class', (v) => (dbPrevious.has(v) ? `"${v}" is previous generation instance type.` : undefined)),
    valueRule('aws_elasticache_cluster_default_parameter_group', 'notice', 'aws_elasticache_cluster', 'parameter_group_name', isDefault),
    valueRule('aws_elasticache_cluster_invalid_type', 'error', 'aws_elasticache_cluster', 'node_type', cacheInvalid),
    valueRule('aws_elasticache_cluster_previous_type', 'warning', 'aws_elasticache_cluster', 'node_type', cacheOld),
    valueRule('aws_elasticache_replication_group_default_parameter_group', 'notice', 'aws_elasticache_replication_group', 'parameter_group_name', isDefault),
    valueRule('aws_elasticache_replication_group_invalid_type', 'error', 'aws_elasticache_replication_group', 'node_type', cacheInvalid),
    valueRule('aws_elasticache_replication_group_previous_type', 'warning', 'aws_elasticache_replication_group', 'node_type', cacheOld),
    valueRule('aws_instance_previous_type', 'warning', 'aws_instance', 'instance_type', (v) => (instancePrevious.has(v.split('.')[0]!) ? `"${v}" is previous generation instance type.` : undefined)),
    valueRule('aws_mq_broker_invalid_engine_type', 'error', 'aws_mq_broker', 'engine_type', (v) => (mq.has(v) ? undefined : 'engine_type is not a valid value')),
    valueRule('aws_mq_configuration_invalid_engine_type', 'error', 'aws_mq_configuration', 'engine_type', (v) => (mq.has(v) ? undefined : 'engine_type is not a valid value')),
    valueRule('aws_s3_bucket_invalid_acl', 'error', 'aws_s3_bucket', 'acl', (v) => (acls.has(v) ? undefined : `"${v}" is an invalid value as acl`)),
    valueRule('aws_security_group_rule_invalid_protocol', 'error', 'aws_security_group_rule', 'protocol', protocolCheck(protocols)),
    {
      name: 'aws_security_group_invalid_protocol',
      severity: 'error',
      link: link('aws_security_group_invalid_protocol'),
      plugin: 'aws',
      enabledByDefault: true,
      resourceTypes: ['aws_security_group'],
      check(ctx) {
        const check = protocolCheck(protocols);
        for (const b of resources(ctx, 'aws_security_group')) {
          for (const r of b.body.blocks) {
            if (r.type !== 'ingress' && r.type !== 'egress') continue;
            const a = r.body.attributes.find((x) => x.name === 'protocol');
            const v = a ? ctx.module.evalString(a.expr) : undefined;
            const message = v === undefined ? undefined : check(v);
            if (a && message) ctx.emit(message, a.expr.range);
          }
        }
      },
    },
    routeRule('aws_route_not_specified_target', (n) => n === 0, () => {
      const t = awsData().routeTargets;
      return `The routing target is not specified, each aws_route must contain either ${t.slice(0, -1).join(', ')} or ${t[t.length - 1]}.`;
    }),
    routeRule('aws_route_specified_multiple_targets', (n) => n > 1, () => 'More than one routing target specified. It must be one.'),
  ];
  const names = new Set(handWritten.map((r) => r.name));
  built = [...handWritten, ...d.models.filter((m) => !names.has(m.name)).map(modelRule)];
  return built;
}
