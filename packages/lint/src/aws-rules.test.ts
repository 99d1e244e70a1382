import { describe, expect, it } from 'vitest';
import { awsData, awsRules, goRegExp } from './aws-rules';
import { lintConfig } from './lint';

const lint = (rule: string, text: string) => lintConfig([{ name: 'main.tf', text }], { only: [rule] });
const resource = (type: string, body: string) => `resource "${type}" "r" {\n${body}\n}\n`;

/** Every hand-written AWS rule: a violating and a compliant configuration, with TFLint's message. */
const CASES: Record<string, { bad: string; good: string; message: string }> = {
  aws_db_instance_default_parameter_group: { bad: resource('aws_db_instance', '  parameter_group_name = "default.mysql8.0"'), good: resource('aws_db_instance', '  parameter_group_name = "app-mysql8"'), message: '"default.mysql8.0" is default parameter group. You cannot edit it.' },
  aws_db_instance_invalid_engine: { bad: resource('aws_db_instance', '  engine = "mysqldb"'), good: resource('aws_db_instance', '  engine = "mysql"'), message: '"mysqldb" is invalid engine.' },
  aws_db_instance_invalid_type: { bad: resource('aws_db_instance', '  instance_class = "db.t3.micr"'), good: resource('aws_db_instance', '  instance_class = "db.t3.micro"'), message: '"db.t3.micr" is invalid instance type.' },
  aws_db_instance_previous_type: { bad: resource('aws_db_instance', '  instance_class = "db.m1.small"'), good: resource('aws_db_instance', '  instance_class = "db.m5.large"'), message: '"db.m1.small" is previous generation instance type.' },
  aws_elasticache_cluster_default_parameter_group: { bad: resource('aws_elasticache_cluster', '  parameter_group_name = "default.redis7"'), good: resource('aws_elasticache_cluster', '  parameter_group_name = "app-redis7"'), message: '"default.redis7" is default parameter group. You cannot edit it.' },
  aws_elasticache_cluster_invalid_type: { bad: resource('aws_elasticache_cluster', '  node_type = "cache.t3.huge"'), good: resource('aws_elasticache_cluster', '  node_type = "cache.t3.micro"'), message: '"cache.t3.huge" is invalid node type.' },
  aws_elasticache_cluster_previous_type: { bad: resource('aws_elasticache_cluster', '  node_type = "cache.m1.small"'), good: resource('aws_elasticache_cluster', '  node_type = "cache.m5.large"'), message: '"cache.m1.small" is previous generation node type.' },
  aws_elasticache_replication_group_default_parameter_group: { bad: resource('aws_elasticache_replication_group', '  parameter_group_name = "default.redis7"'), good: resource('aws_elasticache_replication_group', '  parameter_group_name = "app"'), message: '"default.redis7" is default parameter group. You cannot edit it.' },
  aws_elasticache_replication_group_invalid_type: { bad: resource('aws_elasticache_replication_group', '  node_type = "cache.x9.large"'), good: resource('aws_elasticache_replication_group', '  node_type = "cache.r6g.large"'), message: '"cache.x9.large" is invalid node type.' },
  aws_elasticache_replication_group_previous_type: { bad: resource('aws_elasticache_replication_group', '  node_type = "cache.t1.micro"'), good: resource('aws_elasticache_replication_group', '  node_type = "cache.t3.micro"'), message: '"cache.t1.micro" is previous generation node type.' },
  aws_instance_previous_type: { bad: resource('aws_instance', '  instance_type = "t1.micro"'), good: resource('aws_instance', '  instance_type = "t3.micro"'), message: '"t1.micro" is previous generation instance type.' },
  aws_mq_broker_invalid_engine_type: { bad: resource('aws_mq_broker', '  engine_type = "Kafka"'), good: resource('aws_mq_broker', '  engine_type = "ActiveMQ"'), message: 'engine_type is not a valid value' },
  aws_mq_configuration_invalid_engine_type: { bad: resource('aws_mq_configuration', '  engine_type = "activemq"'), good: resource('aws_mq_configuration', '  engine_type = "RabbitMQ"'), message: 'engine_type is not a valid value' },
  aws_s3_bucket_invalid_acl: { bad: resource('aws_s3_bucket', '  acl = "public"'), good: resource('aws_s3_bucket', '  acl = "private"'), message: '"public" is an invalid value as acl' },
  aws_security_group_rule_invalid_protocol: { bad: resource('aws_security_group_rule', '  protocol = "http"'), good: resource('aws_security_group_rule', '  protocol = "-1"'), message: '"http" is an invalid protocol.' },
  aws_security_group_invalid_protocol: { bad: resource('aws_security_group', '  ingress {\n    protocol = "https"\n  }'), good: resource('aws_security_group', '  ingress {\n    protocol = "TCP"\n  }\n  egress {\n    protocol = "-1"\n  }'), message: '"https" is an invalid protocol.' },
  aws_route_not_specified_target: {
    bad: resource('aws_route', '  route_table_id = "rtb-1"\n  gateway_id = null'),
    good: resource('aws_route', '  route_table_id = "rtb-1"\n  gateway_id = aws_internet_gateway.gw.id'),
    message:
      'The routing target is not specified, each aws_route must contain either carrier_gateway_id, core_network_arn, egress_only_gateway_id, gateway_id, instance_id, local_gateway_id, nat_gateway_id, network_interface_id, odb_network_arn, transit_gateway_id, vpc_endpoint_id or vpc_peering_connection_id.',
  },
  aws_route_specified_multiple_targets: { bad: resource('aws_route', '  gateway_id = "igw-1"\n  nat_gateway_id = "nat-1"'), good: resource('aws_route', '  nat_gateway_id = "nat-1"'), message: 'More than one routing target specified. It must be one.' },
};

describe('tflint-ruleset-aws hand-written rules', () => {
  const models = new Set(awsData().models.map((m) => m.name));
  const handWritten = awsRules().filter((r) => !models.has(r.name) || r.link !== '');
  it('has a case for every hand-written rule', () => {
    expect(Object.keys(CASES).sort()).toEqual(handWritten.map((r) => r.name).sort());
  });
  for (const [rule, c] of Object.entries(CASES)) {
    it(`${rule}: violating and compliant`, async () => {
      const bad = await lint(rule, c.bad);
      expect(bad.map((i) => [i.rule, i.message])).toEqual([[rule, c.message]]);
      expect(await lint(rule, c.good)).toEqual([]);
    });
  }
  it('evaluates variables with a literal default and locals, skips unknown values', async () => {
    const text = 'variable "t" {\n  default = "t1.micro"\n}\nlocals {\n  t = var.t\n}\nresource "aws_instance" "a" {\n  instance_type = local.t\n}\nresource "aws_instance" "b" {\n  instance_type = var.unknown\n}\n';
    const issues = await lint('aws_instance_previous_type', text);
    expect(issues.map((i) => [i.message, i.range.start.line])).toEqual([['"t1.micro" is previous generation instance type.', 8]]);
  });
});

describe('tflint-ruleset-aws generated value rules (from the AWS API models)', () => {
  const models = awsData().models;
  it('extracted the models of tflint-ruleset-aws', () => {
    expect(models.length).toBeGreaterThan(1000);
    expect(models.find((m) => m.name === 'aws_instance_invalid_type')?.enum).toContain('t3.micro');
  });
  // enum and length rules: a violating and a compliant value derived from the rule's own data
  for (const m of models.filter((x) => x.enum || (x.max && x.max <= 100_000))) {
    it(`${m.name}`, async () => {
      const goodValue = m.enum ? m.enum[0]! : 'a'.repeat(Math.max(m.min ?? 1, 1));
      const badValue = m.max ? 'a'.repeat(m.max + 1) : 'tfpairs-not-a-valid-value';
      const bad = await lint(m.name, resource(m.resource, `  ${m.attribute} = ${JSON.stringify(badValue)}`));
      expect(bad.length).toBeGreaterThan(0);
      expect(bad.every((i) => i.rule === m.name && i.severity === 'error')).toBe(true);
      const good = await lint(m.name, resource(m.resource, `  ${m.attribute} = ${JSON.stringify(goodValue)}`));
      const re = m.pattern ? goRegExp(m.pattern) : undefined;
      // a compliant value for the enum/length part; the model's pattern may still reject it
      if (!re || re.test(goodValue)) expect(good).toEqual([]);
    });
  }
  it('pattern rules: messages as the generated rules print them', async () => {
    const issues = await lint('aws_iam_role_invalid_name', resource('aws_iam_role', '  name = "bad name!"'));
    expect(issues.map((i) => i.message)).toEqual(['"bad name!" does not match valid pattern ^[\\w+=,.@-]+$']);
    expect(await lint('aws_iam_role_invalid_name', resource('aws_iam_role', '  name = "good-name"'))).toEqual([]);
    const long = await lint('aws_iam_role_invalid_name', resource('aws_iam_role', `  name = "${'r'.repeat(65)}"`));
    expect(long.map((i) => i.message)).toEqual(['name must be 64 characters or less']);
    expect((await lint('aws_instance_invalid_type', resource('aws_instance', '  instance_type = "t3.micr"'))).map((i) => i.message)).toEqual(['"t3.micr" is an invalid value as instance_type']);
  });
  it('every Go pattern compiles as a JavaScript RegExp', () => {
    const failing = models.filter((m) => m.pattern && !goRegExp(m.pattern)).map((m) => m.name);
    expect(failing).toEqual([]);
  });
});
