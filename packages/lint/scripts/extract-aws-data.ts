/**
 * Derives packages/lint/data/aws-rules.json from a clone of tflint-ruleset-aws (its generated
 * `rules/models/*.go` value checks, `rules/db_instance_types/instance_classes.json`, the ElastiCache
 * node type lists and the small lists of the hand-written rules). Only data is taken: the rule logic
 * is ours (packages/lint/src/aws.ts).
 *
 *   npx tsx packages/lint/scripts/extract-aws-data.ts GIT_DIR_OF_TFLINT_RULESET_AWS
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { ModelRule } from '../src/aws-rules';

const gitDir = process.argv[2];
if (!gitDir) {
  console.error('usage: extract-aws-data.ts GIT_DIR');
  process.exit(1);
}
const git = (...args: string[]) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
const commit = git('rev-parse', 'HEAD').trim();
const show = (path: string) => git('show', `${commit}:${path}`);
const version = /Version string = "([^"]+)"/.exec(show('project/main.go'))?.[1] ?? 'unknown';

/** the quoted strings of the Go composite literal that starts after `marker` */
function goStrings(src: string, marker: string): string[] {
  const at = src.indexOf(marker);
  if (at < 0) throw new Error(`marker not found: ${marker}`);
  const open = marker.endsWith('{') ? at + marker.length - 1 : src.indexOf('{', at);
  let depth = 0;
  let end = open;
  for (; end < src.length; end++) {
    if (src[end] === '{') depth++;
    else if (src[end] === '}' && --depth === 0) break;
  }
  const body = src.slice(open, end).replace(/\/\/[^\n]*/g, '');
  return [...body.matchAll(/"((?:[^"\\]|\\.)*)"\s*[:,}]/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
}


const models: ModelRule[] = [];
for (const path of git('ls-tree', '--name-only', commit, 'rules/models/').split('\n')) {
  if (!/^rules\/models\/aws_.*\.go$/.test(path) || path.endsWith('_test.go')) continue;
  const src = show(path);
  const name = /Name\(\) string \{\s*return "([^"]+)"/.exec(src)?.[1];
  const resource = /resourceType:\s*"([^"]+)"/.exec(src)?.[1];
  const attribute = /attributeName:\s*"([^"]+)"/.exec(src)?.[1];
  if (!name || !resource || !attribute) continue;
  const rule: ModelRule = { name, resource, attribute };
  if (/enum:\s*\[\]string\{/.test(src)) rule.enum = goStrings(src, 'enum:');
  const max = /\bmax:\s*(\d+)/.exec(src);
  const min = /\bmin:\s*(\d+)/.exec(src);
  if (max) rule.max = Number(max[1]);
  if (min) rule.min = Number(min[1]);
  const pattern = /pattern:\s*regexp\.MustCompile\(`([^`]*)`\)/.exec(src);
  if (pattern) rule.pattern = pattern[1];
  if (/is an invalid value`|does not match valid pattern [^%]/.test(src) && !/fmt\.Sprintf\(`"%s" (is an invalid value|does not match)/.test(src)) rule.sensitive = true;
  models.push(rule);
}
models.sort((a, b) => a.name.localeCompare(b.name));

const dbClasses = JSON.parse(show('rules/db_instance_types/instance_classes.json')) as { instance_classes: string[]; previous_generation_classes: string[] };
const elasticache = show('rules/elasticache_node_types.go');
const routeTargets = show('rules/aws_route_targets.go');

const data = {
  source: {
    repository: 'https://github.com/terraform-linters/tflint-ruleset-aws',
    version,
    commit,
    files: ['rules/models/aws_*.go', 'rules/db_instance_types/instance_classes.json', 'rules/elasticache_node_types.go', 'rules/aws_*.go (lists of hand-written rules)'],
  },
  instancePreviousFamilies: goStrings(show('rules/aws_instance_previous_type.go'), 'previousInstanceTypes:'),
  dbInstanceClasses: dbClasses.instance_classes,
  dbInstancePreviousClasses: dbClasses.previous_generation_classes,
  dbEngines: goStrings(show('rules/aws_db_instance_invalid_engine.go'), 'engines:'),
  elastiCacheNodeTypes: goStrings(elasticache, 'var validElastiCacheNodeTypes'),
  elastiCachePreviousFamilies: goStrings(elasticache, 'var previousElastiCacheNodeTypes'),
  s3BucketAcls: goStrings(show('rules/aws_s3_bucket_invalid_acl.go'), 'enum:'),
  mqEngineTypes: goStrings(show('rules/aws_mq_broker_invalid_engine_type.go'), 'enum:'),
  securityGroupProtocols: goStrings(show('rules/aws_security_group_invalid_protocol.go'), 'protocols: map[string]struct{}{'),
  routeTargets: [...routeTargets.matchAll(/\{Name: "([^"]+)"\}/g)].map((m) => m[1]),
  models,
};
const out = new URL('../data/aws-rules.json', import.meta.url);
writeFileSync(out, JSON.stringify(data) + '\n');
console.log(`${models.length} model rules, version ${version} (${commit.slice(0, 12)}) -> ${out.pathname}`);
