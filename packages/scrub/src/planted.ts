/**
 * A planted-secret corpus for tests and benchmarks: Terraform files holding fake but realistic
 * credentials of every kind the scrubber knows, generated from a seed (never AWS's documented example
 * keys, which secretlint ignores by design). Each case lists the secrets that must not survive.
 */

import { seededRandom } from '@tfpairs/core';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class SecretFactory {
  private readonly rand: () => number;
  constructor(seed: number) {
    this.rand = seededRandom(seed);
  }
  pick(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.rand() * alphabet.length)];
    return s;
  }
  awsKeyId(): string {
    return `AKIA${this.pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`;
  }
  awsSecret(): string {
    return this.pick(`${ALNUM}/+`, 40);
  }
  /** a password with lower, upper, digit and symbol, no dictionary word */
  password(length = 14): string {
    const body = this.pick(ALNUM, length - 3);
    return `${this.pick('ABCDEFGHJKMNPQRSTUVWXYZ', 1)}${body}${this.pick('0123456789', 1)}${this.pick('#%^*-_+', 1)}`;
  }
  hex(n: number): string {
    return this.pick('0123456789abcdef', n);
  }
  base64(n: number): string {
    return this.pick(`${ALNUM}+/`, n);
  }
  alnum(n: number): string {
    return this.pick(ALNUM, n);
  }
  pemBody(lines = 6): string[] {
    return Array.from({ length: lines }, () => this.base64(64));
  }
}

export interface PlantedCase {
  readonly name: string;
  readonly hcl: string;
  /** every credential in the file; none may survive scrubbing */
  readonly secrets: readonly string[];
}

export function plantedCorpus(seed = 20261122): PlantedCase[] {
  const f = new SecretFactory(seed);
  const cases: PlantedCase[] = [];
  const add = (name: string, secrets: string[], hcl: string) => cases.push({ name, hcl, secrets });

  {
    const id = f.awsKeyId();
    const secret = f.awsSecret();
    add('aws provider keys', [id, secret], `provider "aws" {\n  region     = "us-east-1"\n  access_key = "${id}"\n  secret_key = "${secret}"\n}\n`);
  }
  {
    const id = f.awsKeyId();
    const secret = f.awsSecret();
    add('aws provider alias with assume_role and token', [id, secret], `provider "aws" {\n  alias      = "prod"\n  access_key = "${id}"\n  secret_key = "${secret}"\n\n  assume_role {\n    role_arn     = "arn:aws:iam::123456789012:role/deploy"\n    session_name = "ci"\n  }\n}\n`);
  }
  {
    const pw = f.password();
    add('rds password', [pw], `resource "aws_db_instance" "main" {\n  engine               = "mysql"\n  instance_class       = "db.t3.micro"\n  allocated_storage    = 10\n  username             = "admin"\n  password             = "${pw}"\n  skip_final_snapshot  = true\n}\n`);
  }
  {
    const pw = f.password(18);
    add('docdb master_password', [pw], `resource "aws_docdb_cluster" "docdb" {\n  cluster_identifier = "my-docdb-cluster"\n  master_username    = "foo"\n  master_password    = "${pw}"\n}\n`);
  }
  {
    const a = f.password();
    const b = f.password(16);
    add('elasticache user passwords list', [a, b], `resource "aws_elasticache_user" "test" {\n  user_id       = "testUserId"\n  user_name     = "testUserName"\n  access_string = "on ~app::* -@all +@read"\n  engine        = "REDIS"\n  passwords     = ["${a}", "${b}"]\n}\n`);
  }
  {
    const pw = f.password();
    const token = f.alnum(32);
    add('lambda environment map', [pw, token], `resource "aws_lambda_function" "fn" {\n  function_name = "fn"\n  role          = aws_iam_role.r.arn\n  handler       = "index.handler"\n  runtime       = "nodejs18.x"\n  filename      = "fn.zip"\n\n  environment {\n    variables = {\n      DB_PASSWORD = "${pw}"\n      "API_TOKEN" = "${token}"\n      LOG_LEVEL   = "debug"\n    }\n  }\n}\n`);
  }
  {
    const pw = f.password();
    add('ecs container definitions name/value', [pw], `resource "aws_ecs_task_definition" "app" {\n  family = "app"\n  container_definitions = jsonencode([\n    {\n      name  = "app"\n      image = "nginx:latest"\n      environment = [\n        { name = "DB_HOST", value = "db.internal" },\n        { name = "DB_PASSWORD", value = "${pw}" },\n      ]\n    }\n  ])\n}\n`);
  }
  {
    const pw = f.password();
    add('ecs container definitions heredoc JSON', [pw], `resource "aws_ecs_task_definition" "app" {\n  family                = "app"\n  container_definitions = <<DEFS\n[\n  {\n    "name": "app",\n    "image": "nginx:latest",\n    "environment": [\n      {"name": "MYSQL_ROOT_PASSWORD", "value": "${pw}"}\n    ]\n  }\n]\nDEFS\n}\n`);
  }
  {
    const pw = f.password();
    const key = f.hex(40);
    add('secrets manager JSON in a string', [pw, key], `resource "aws_secretsmanager_secret_version" "v" {\n  secret_id     = aws_secretsmanager_secret.s.id\n  secret_string = "{\\"username\\": \\"app\\", \\"password\\": \\"${pw}\\", \\"api_key\\": \\"${key}\\"}"\n}\n`);
  }
  {
    const pw = f.password();
    add('secrets manager jsonencode', [pw], `resource "aws_secretsmanager_secret_version" "v" {\n  secret_id = aws_secretsmanager_secret.s.id\n  secret_string = jsonencode({\n    username = "app"\n    password = "${pw}"\n  })\n}\n`);
  }
  {
    const pw = f.password();
    const token = f.alnum(40);
    add('user_data shell heredoc', [pw, token], `resource "aws_instance" "web" {\n  ami           = "ami-0c55b159cbfafe1f0"\n  instance_type = "t3.micro"\n  user_data     = <<-EOT\n    #!/bin/bash\n    export DB_PASSWORD='${pw}'\n    echo "GITHUB_TOKEN=${token}" >> /etc/environment\n    systemctl start app\n  EOT\n}\n`);
  }
  {
    const pw = f.password();
    add('yaml cloud-init in heredoc', [pw], `resource "aws_instance" "web" {\n  ami           = "ami-0c55b159cbfafe1f0"\n  instance_type = "t3.micro"\n  user_data     = <<EOF\n#cloud-config\nusers:\n  - name: deploy\n    plain_text_passwd: ${pw}\nEOF\n}\n`);
  }
  {
    const body = f.pemBody();
    add('private key in heredoc', body, `resource "aws_iam_server_certificate" "cert" {\n  name             = "cert"\n  certificate_body = file("cert.pem")\n  private_key      = <<EOF\n-----BEGIN RSA PRIVATE KEY-----\n${body.join('\n')}\n-----END RSA PRIVATE KEY-----\nEOF\n}\n`);
  }
  {
    const body = f.pemBody(4);
    add('private key in quoted string with \\n', body, `resource "tls_locally_signed_cert" "c" {\n  ca_private_key_pem = "-----BEGIN EC PRIVATE KEY-----\\n${body.join('\\n')}\\n-----END EC PRIVATE KEY-----\\n"\n}\n`);
  }
  {
    const keyId = f.hex(40);
    const body = f.pemBody(5);
    add('gcp service account JSON heredoc', [keyId, ...body], `provider "google" {\n  project     = "my-project"\n  credentials = <<JSON\n{\n  "type": "service_account",\n  "project_id": "my-project",\n  "private_key_id": "${keyId}",\n  "private_key": "-----BEGIN PRIVATE KEY-----\\n${body.join('\\n')}\\n-----END PRIVATE KEY-----\\n",\n  "client_email": "tf@my-project.iam.gserviceaccount.com"\n}\nJSON\n}\n`);
  }
  {
    const secret = `${f.alnum(5)}~${f.alnum(10)}.${f.alnum(8)}_${f.alnum(10)}`;
    add('azurerm client_secret', [secret], `provider "azurerm" {\n  features {}\n  subscription_id = "00000000-0000-0000-0000-000000000000"\n  client_id       = "11111111-1111-1111-1111-111111111111"\n  client_secret   = "${secret}"\n  tenant_id       = "22222222-2222-2222-2222-222222222222"\n}\n`);
  }
  {
    const gh = `ghp_${f.alnum(36)}`;
    const cf = f.alnum(40);
    const dd = f.hex(32);
    const ddApp = f.hex(40);
    add('vendor provider tokens', [gh, cf, dd, ddApp], `provider "github" {\n  token = "${gh}"\n  owner = "acme"\n}\n\nprovider "cloudflare" {\n  api_token = "${cf}"\n}\n\nprovider "datadog" {\n  api_key = "${dd}"\n  app_key = "${ddApp}"\n}\n`);
  }
  {
    const tfc = `${f.alnum(14)}.atlasv1.${f.alnum(67)}`;
    const vault = `hvs.${f.alnum(24)}`;
    add('terraform cloud and vault tokens', [tfc, vault], `provider "tfe" {\n  hostname = "app.terraform.io"\n  token    = "${tfc}"\n}\n\nprovider "vault" {\n  address = "https://vault.internal:8200"\n  token   = "${vault}"\n}\n`);
  }
  {
    const slack = `xoxb-${f.pick('0123456789', 12)}-${f.pick('0123456789', 13)}-${f.alnum(24)}`;
    const hook = `https://hooks.slack.com/services/T${f.pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 8)}/B${f.pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 8)}/${f.alnum(24)}`;
    const stripe = `sk_live_${f.alnum(24)}`;
    const google = `AIza${f.pick(`${ALNUM}_-`, 35)}`;
    add('vendor tokens in a locals map', [slack, hook, stripe, google], `locals {\n  integrations = {\n    slack   = "${slack}"\n    webhook = "${hook}"\n    stripe  = "${stripe}"\n    maps    = "${google}"\n  }\n}\n`);
  }
  {
    const pw = f.password();
    const pw2 = f.password();
    add('url userinfo in strings and templates', [pw, pw2], `resource "aws_ssm_parameter" "db_url" {\n  name  = "/app/db_url"\n  type  = "String"\n  value = "postgres://app:${pw}@\${aws_db_instance.main.address}:5432/app"\n}\n\nresource "aws_codebuild_project" "p" {\n  source {\n    type     = "GIT"\n    location = "https://ci-bot:${pw2}@git.example.com/acme/app.git"\n  }\n}\n`);
  }
  {
    const pw = f.password();
    const accountKey = `${f.base64(86)}==`;
    add('connection strings', [pw, accountKey], `resource "azurerm_app_service" "app" {\n  connection_string {\n    name  = "Database"\n    type  = "SQLAzure"\n    value = "Server=tcp:acme.database.windows.net,1433;Database=app;User ID=app;Password=${pw};Encrypt=true;"\n  }\n  app_settings = {\n    STORAGE = "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${accountKey};EndpointSuffix=core.windows.net"\n  }\n}\n`);
  }
  {
    const pw = f.password();
    add('sensitive variable default', [pw], `variable "db_conn_secret_value" {\n  type      = string\n  default   = "${pw}"\n  sensitive = true\n}\n\nvariable "region" {\n  default = "us-east-1"\n}\n`);
  }
  {
    const pw = f.password();
    add('variable named like a password', [pw], `variable "admin_password" {\n  type    = string\n  default = "${pw}"\n}\n`);
  }
  {
    const value = f.alnum(28);
    add('ssm SecureString value', [value], `resource "aws_ssm_parameter" "secret" {\n  name  = "/app/signing"\n  type  = "SecureString"\n  value = "${value}"\n}\n`);
  }
  {
    const pw = f.password();
    add('beanstalk setting block name/value', [pw], `resource "aws_elastic_beanstalk_environment" "env" {\n  name        = "env"\n  application = "app"\n\n  setting {\n    namespace = "aws:elasticbeanstalk:application:environment"\n    name      = "DB_PASSWORD"\n    value     = "${pw}"\n  }\n}\n`);
  }
  {
    const token = f.alnum(40);
    const pw = f.password();
    add('templatefile arguments and dynamic block', [token, pw], `resource "aws_instance" "web" {\n  ami           = "ami-0c55b159cbfafe1f0"\n  instance_type = "t3.micro"\n  user_data = templatefile("\${path.module}/init.tpl", {\n    api_token   = "${token}"\n    environment = "prod"\n  })\n\n  dynamic "ebs_block_device" {\n    for_each = var.disks\n    content {\n      device_name = ebs_block_device.value.name\n      tags = {\n        backup_password = "${pw}"\n      }\n    }\n  }\n}\n`);
  }
  {
    const jwt = `eyJ${f.alnum(20)}.eyJ${f.alnum(40)}.${f.alnum(43)}`;
    add('bearer token in a header map', [jwt], `data "http" "status" {\n  url = "https://api.example.com/status"\n  request_headers = {\n    Accept        = "application/json"\n    Authorization = "Bearer ${jwt}"\n  }\n}\n`);
  }
  {
    const id = `ASIA${f.pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`;
    const secret = f.awsSecret();
    const session = `IQoJb3JpZ2luX2Vj${f.base64(180)}`;
    add('aws session credentials and a CLI heredoc', [id, secret, session], `provider "aws" {\n  access_key = "${id}"\n  secret_key = "${secret}"\n  token      = "${session}"\n}\n\nresource "null_resource" "configure" {\n  provisioner "local-exec" {\n    command = <<-CMD\n      aws configure set aws_access_key_id ${id}\n      aws configure set aws_secret_access_key ${secret}\n    CMD\n  }\n}\n`);
  }
  {
    const clientKey = f.base64(120);
    const basic = f.base64(28);
    add('kubernetes client key and a Basic auth header', [clientKey, basic], `provider "kubernetes" {\n  host                   = "https://k8s.internal:6443"\n  client_certificate     = base64decode(var.client_cert)\n  client_key             = base64decode("${clientKey}")\n  cluster_ca_certificate = base64decode(var.ca)\n}\n\ndata "http" "x" {\n  url             = "https://registry.internal/v2/"\n  request_headers = { Authorization = "Basic ${basic}" }\n}\n`);
  }
  {
    const sig = `${f.alnum(30)}%2B${f.alnum(10)}%3D`;
    const redis = f.password();
    const short = `${f.pick('ABCDEFGHJKMNPQRSTUVWXYZ', 1)}${f.pick('abcdefghjkmnpqrstuvwxyz', 3)}${f.pick('23456789', 1)}${f.pick('#%^*', 1)}${f.pick('abcdefghjkmnpqrstuvwxyz', 1)}`;
    add('SAS URL, redis URL without user, short password', [sig, redis, short], `resource "azurerm_function_app" "fn" {\n  app_settings = {\n    WEBSITE_RUN_FROM_PACKAGE = "https://acct.blob.core.windows.net/pkg/app.zip?sv=2021-06-08&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&sig=${sig}"\n    REDIS_URL                = "redis://:${redis}@cache.internal:6379/0"\n  }\n}\n\nresource "aws_db_instance" "small" {\n  password = "${short}"\n}\n`);
  }
  {
    const pw = f.password();
    const key = f.alnum(32);
    add('conditional, for expression and quoted header keys', [pw, key], `locals {\n  db_password = var.env == "prod" ? "${pw}" : var.dev_password\n  headers     = { for k, v in var.extra : k => v }\n  api_headers = {\n    "X-API-Key"    = "${key}"\n    "Content-Type" = "application/json"\n  }\n}\n`);
  }
  {
    const openai = `sk-proj-${f.pick(`${ALNUM}_-`, 58)}T3BlbkFJ${f.pick(`${ALNUM}_-`, 58)}`;
    const anthropic = `sk-ant-api03-${f.pick(`${ALNUM}_-`, 93)}AA`;
    const sendgrid = `SG.${f.alnum(22)}.${f.alnum(43)}`;
    const npm = `npm_${f.alnum(36)}`;
    add('secretlint vendor keys in a secrets map', [openai, anthropic, sendgrid, npm], `resource "aws_secretsmanager_secret_version" "vendors" {\n  secret_id = aws_secretsmanager_secret.vendors.id\n  secret_string = jsonencode({\n    llm_primary   = "${openai}"\n    llm_fallback  = "${anthropic}"\n    mail          = "${sendgrid}"\n    registry      = "${npm}"\n  })\n}\n`);
  }
  {
    const discord = `https://discord.com/api/webhooks/${f.pick('0123456789', 18)}/${f.pick(`${ALNUM}_-`, 68)}`;
    const teams = `https://acme.webhook.office.com/webhookb2/${f.hex(8)}-${f.hex(4)}-${f.hex(4)}-${f.hex(4)}-${f.hex(12)}@${f.hex(8)}/IncomingWebhook/${f.hex(32)}/${f.hex(8)}`;
    const generic = `https://alerts.example.com/hooks/${f.alnum(32)}`;
    add('webhook URLs', [discord, teams, generic], `resource "aws_sns_topic_subscription" "chat" {\n  topic_arn = aws_sns_topic.alerts.arn\n  protocol  = "https"\n  endpoint  = "${discord}"\n}\n\nlocals {\n  teams_hook  = "${teams}"\n  webhook_url = "${generic}"\n  docs_url    = "https://example.com/docs/getting-started"\n}\n`);
  }
  {
    const pw = f.password();
    add('same secret twice plus an existing placeholder', [pw], `resource "aws_db_instance" "a" {\n  password = "${pw}"\n}\n\nresource "aws_db_instance" "b" {\n  password = "${pw}"\n}\n\nresource "aws_db_instance" "c" {\n  password = "<PASSWORD>"\n}\n`);
  }
  {
    const S: string[] = [];
    const s = (v: string): string => (S.push(v), v);
    add('backend, more providers, nested blocks, .env heredoc, conditionals', S, `terraform {
  backend "s3" {
    bucket     = "tf-state"
    access_key = "${s(f.awsKeyId())}"
    secret_key = "${s(f.awsSecret())}"
  }
}
provider "mongodbatlas" {
  public_key  = "abcdefgh"
  private_key = "${s(`${f.hex(8)}-${f.hex(4)}-${f.hex(4)}-${f.hex(4)}-${f.hex(12)}`)}"
}
provider "pagerduty" { token = "${s(f.alnum(20))}" }
provider "helm" {
  kubernetes {
    host  = "https://k8s"
    token = "${s(f.alnum(40))}"
  }
}
resource "github_actions_secret" "x" {
  repository      = "app"
  secret_name     = "DEPLOY_KEY"
  plaintext_value = "${s(f.password(20))}"
}
resource "aws_secretsmanager_secret_version" "v" {
  secret_id     = "x"
  secret_string = "${s(f.password(14))}"
}
resource "kubernetes_secret" "k" {
  metadata { name = "db" }
  data = {
    "username" = "app"
    "password" = "${s(f.password())}"
  }
}
resource "aws_mq_broker" "b" {
  user {
    username = "admin"
    password = sensitive("${s(f.password())}")
  }
}
resource "aws_opensearch_domain" "d" {
  advanced_security_options {
    master_user_options {
      master_user_password = "${s(f.password())}"
    }
  }
}
data "template_file" "t" {
  template = file("x.tpl")
  vars = {
    db_pass       = "${s(f.password())}"
    jwt_secret    = "${s(f.alnum(32))}"
    session_token = "${s(f.alnum(24))}"
  }
}
resource "aws_s3_object" "env" {
  bucket  = "b"
  key     = "app/.env"
  content = <<-EOT
    STRIPE_SECRET_KEY=${s('sk_live_' + f.alnum(24))}
    CONSUMER_SECRET=${s(f.alnum(30))}
    DATABASE_URL=mysql://app:${s(f.password())}@db:3306/app
  EOT
}
resource "docker_registry_image" "r" {
  auth_config = jsonencode({ auths = { "registry.example.com" = { auth = "${s(f.base64(32))}" } } })
}
resource "azurerm_linux_virtual_machine" "vm" {
  admin_username = "azureuser"
  admin_password = var.env == "prod" ? "${s(f.password())}" : null
}
`);
  }
  return cases;
}

/** Clean files: fake placeholders, references, interpolations, descriptors. Nothing may change. */
export const CLEAN_FILES: readonly { readonly name: string; readonly hcl: string }[] = [
  {
    name: 'fake placeholders and references',
    hcl: `variable "db_password" {
  type      = string
  sensitive = true
}

resource "random_password" "pw" {
  length  = 16
  special = true
}

resource "aws_db_instance" "a" {
  username             = "admin"
  password             = var.db_password
  skip_final_snapshot  = true
}

resource "aws_db_instance" "b" {
  password = random_password.pw.result
}

resource "aws_db_instance" "c" {
  password = "\${var.db_password}"
}

resource "aws_docdb_cluster" "d" {
  master_password = "changeme"
}

resource "aws_rds_cluster" "e" {
  master_password = "example-password"
}

resource "aws_db_instance" "f" {
  password = "foobarbaz"
}

resource "aws_db_instance" "g" {
  password = "<PASSWORD>"
}

provider "aws" {
  access_key = "AKIAIOSFODNN7EXAMPLE"
  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
}
`,
  },
  {
    name: 'descriptors, ids, public keys and ARNs',
    hcl: `resource "aws_efs_file_system" "fs" {
  creation_token = "my-product-2024"
}

resource "aws_secretsmanager_secret" "s" {
  name        = "prod/db/credentials"
  description = "The master password for the RDS instance"
  kms_key_id  = aws_kms_key.k.key_id
}

resource "aws_iam_user_login_profile" "p" {
  user                    = "bob"
  password_length         = 20
  password_reset_required = true
}

resource "aws_key_pair" "deployer" {
  key_name   = "deployer-key"
  public_key = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQD3F6tyPEFEzV0LX3X8BsXdMsQz1x2cEikKDEY0aIj41qgxMCP/iteneqXSIFZBp5vizPvaoIR3Um9xK7PGoW8giupGn+EPuxIA4cDM4vzOqOkiMPhz5XK0whEjkVzTo4+S0puvDZuwIsdiW9mxhJc7tgBNL0cYlWSYVkz4G/fslNfRPW5mYAM49f4fhtxPb5ok4Q2Lg9dPKVHO/Bgeu5woMc7RY0p1ej6D4CKFE6lymSDJpW0YHX/wqE9+cfEauh7xZcG0q9t2ta6F6fmX0agvpFyZo8aFbXeUBr7osSCJNgvavWbM/06niWrOvYX2xwWdhXmXSrbX8ZbabVohBK41 email@example.com"
}

resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db/password-AbCdEf"
    }]
  })
}

resource "aws_instance" "web" {
  ami       = "ami-0c55b159cbfafe1f0"
  user_data = <<-EOT
    #!/bin/bash
    export DB_PASSWORD="\${db_password}"
    echo "token: \${var.api_token}" > /etc/app.conf
  EOT
}

resource "aws_iam_server_certificate" "cert" {
  name        = "cert"
  private_key = file("key.pem")
}

resource "tls_self_signed_cert" "c" {
  private_key_pem = tls_private_key.k.private_key_pem
}

output "db_url" {
  value     = "postgres://\${var.user}:\${var.password}@\${aws_db_instance.main.address}/app"
  sensitive = true
}
`,
  },
];
