import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aws4361, brief, validate } from './test-helpers';
import { validateModule, verifyCode } from './validate';

describe('syntax (HashiCorp parser)', () => {
  it('reports HCL errors with terraform summaries and byte offsets', async () => {
    const diags = await validate('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n');
    expect(diags).toHaveLength(1);
    expect(diags[0]!.summary).toBe('Unclosed configuration block');
    expect(diags[0]!.detail).toBe('There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.');
    expect(diags[0]!.range).toEqual({ filename: 'main.tf', start: { line: 1, column: 30, byte: 29 }, end: { line: 1, column: 31, byte: 30 } });
  });

  it('stops before any other check', async () => {
    const diags = await validate('resource "aws_nope" "x" {\n  a = \n}\n');
    expect(diags.map((d) => d.summary)).toEqual(['Invalid expression']);
  });
});

describe('configuration loading (core language)', () => {
  it('unsupported top-level blocks and arguments, with suggestions', async () => {
    expect(brief(await validate('resourse "aws_s3_bucket" "b" {}\nschedule "cron" "x" {}\nlocals = {}\n'))).toEqual([
      'Unsupported block type | Blocks of type "resourse" are not expected here. Did you mean "resource"? @ 1:1-1:9',
      'Unsupported block type | Blocks of type "schedule" are not expected here. @ 2:1-2:9',
      'Unsupported argument | An argument named "locals" is not expected here. Did you mean to define a block of type "locals"? @ 3:1-3:7',
    ]);
  });

  it('missing and extraneous labels', async () => {
    expect(brief(await validate('resource "aws_s3_bucket" {}\nvariable "a" "b" {}\n'))).toEqual([
      'Missing name for resource | All resource blocks must have 2 labels (type, name). @ 1:26-1:27',
      'Extraneous label for variable | Only 1 labels (name) are expected for variable blocks. @ 2:14-2:17',
    ]);
  });

  it('duplicates of every kind, pointing at the first declaration', async () => {
    const text = [
      'resource "aws_s3_bucket" "b" {}',
      'resource "aws_s3_bucket" "b" {}',
      'data "aws_iam_policy_document" "p" {}',
      'data "aws_iam_policy_document" "p" {}',
      'variable "v" {}',
      'variable "v" {}',
      'output "o" { value = 1 }',
      'output "o" { value = 1 }',
      'module "m" { source = "./m" }',
      'module "m" { source = "./m" }',
      'provider "aws" {}',
      'provider "aws" {}',
      'locals { a = 1 }',
      'locals { a = 2 }',
    ].join('\n');
    expect(brief(await validate(text))).toEqual([
      'Duplicate resource "aws_s3_bucket" configuration | A aws_s3_bucket resource named "b" was already declared at main.tf:1,1-29. Resource names must be unique per type in each module. @ 2:1-2:29',
      'Duplicate data "aws_iam_policy_document" configuration | A aws_iam_policy_document data resource named "p" was already declared at main.tf:3,1-35. Resource names must be unique per type in each module. @ 4:1-4:35',
      'Duplicate variable declaration | A variable named "v" was already declared at main.tf:5,1-13. Variable names must be unique within a module. @ 6:1-6:13',
      'Duplicate output definition | An output named "o" was already defined at main.tf:7,1-11. Output names must be unique within a module. @ 8:1-8:11',
      'Duplicate module call | A module call named "m" was already defined at main.tf:9,1-11. Module calls must have unique names within a module. @ 10:1-10:11',
      'Duplicate provider configuration | A default (non-aliased) provider configuration for "aws" was already given at main.tf:11,1-15. If multiple configurations are required, set the "alias" argument for alternative configurations. @ 12:1-12:15',
      'Duplicate local value definition | A local value named "a" was already defined at main.tf:13,10-15. Local value names must be unique within a module. @ 14:10-14:15',
    ]);
  });

  it('invalid names, count with for_each, output without value, module without source', async () => {
    const text = [
      'resource "aws_s3_bucket" "1b" {',
      '  count    = 1',
      '  for_each = {}',
      '}',
      'output "o" {',
      '  description = "x"',
      '}',
      'module "m" {',
      '}',
    ].join('\n');
    expect(brief(await validate(text))).toEqual([
      'Invalid resource name | A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes. @ 1:26-1:30',
      'Invalid combination of "count" and "for_each" | The "count" and "for_each" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of resources to be created. @ 3:3-3:11',
      'Missing required argument | The argument "value" is required, but no definition was found. @ 5:12-5:13',
      'Missing required argument | The argument "source" is required, but no definition was found. @ 8:12-8:13',
    ]);
  });

  it('variables and function calls are not allowed in variable defaults', async () => {
    expect(brief(await validate('variable "a" {\n  default = var.b\n}\nvariable "c" {\n  default = upper("x")\n}\n'))).toEqual([
      'Variables not allowed | Variables may not be used here. @ 2:13-2:16',
      'Function calls not allowed | Functions may not be called here. @ 5:13-5:23',
    ]);
  });

  it('depends_on must hold static references', async () => {
    expect(brief(await validate('resource "aws_s3_bucket" "a" {}\nresource "aws_s3_bucket" "b" {\n  depends_on = [upper("x")]\n}\n'))).toEqual([
      'Invalid expression | A single static variable reference is required: only attribute access and indexing with constant keys. No calculations, function calls, template expressions, etc are allowed here. @ 3:17-3:27',
    ]);
  });
});

describe('validate walk: references, functions', () => {
  it('undeclared resources, data sources, variables, locals and modules', async () => {
    const text = [
      'locals { name = "x" }',
      'data "aws_caller_identity" "me" {}',
      'resource "aws_s3_bucket" "b" {',
      '  bucket = local.nam',
      '  tags = { a = var.missing }',
      '}',
      'output "r" { value = aws_iam_role.r.arn }',
      'output "d" { value = data.aws_region.cur.name }',
      'output "m" { value = module.net.vpc_id }',
      'output "c" { value = aws_caller_identity.me.account_id }',
    ].join('\n');
    expect(brief(await validate(text))).toEqual([
      'Reference to undeclared local value | A local value with the name "nam" has not been declared. Did you mean "name"? @ 4:12-4:21',
      'Reference to undeclared input variable | An input variable with the name "missing" has not been declared. This variable can be declared with a variable "missing" {} block. @ 5:16-5:27',
      'Reference to undeclared resource | A managed resource "aws_iam_role" "r" has not been declared in the root module. @ 7:22-7:36',
      'Reference to undeclared resource | A data resource "aws_region" "cur" has not been declared in the root module. @ 8:22-8:41',
      'Reference to undeclared module | No module call named "net" is declared in the root module. @ 9:22-9:39',
      'Reference to undeclared resource | A managed resource "aws_caller_identity" "me" has not been declared in the root module.\n\nDid you mean the data resource data.aws_caller_identity.me? @ 10:22-10:44',
    ]);
  });

  it('a bare name is an invalid reference', async () => {
    expect(brief(await validate('resource "aws_s3_bucket" "b" {\n  bucket = test\n}\n'))).toEqual([
      'Invalid reference | A reference to a resource type must be followed by at least one attribute access, specifying the resource name. @ 2:12-2:16',
    ]);
  });

  it('reference errors stop the block before its arguments are decoded', async () => {
    const diags = await validate('resource "aws_s3_bucket" "b" {\n  bucket = aws_s3_bucket.nope.id\n  not_an_argument = 1\n}\n');
    expect(diags.map((d) => d.summary)).toEqual(['Reference to undeclared resource']);
  });

  it('attributes of referenced resources are checked against their schema', async () => {
    expect(brief(await validate('resource "aws_s3_bucket" "b" {}\noutput "o" { value = aws_s3_bucket.b.arnn }\n'))).toEqual([
      'Unsupported attribute | This object has no argument, nested block, or exported attribute named "arnn". Did you mean "arn"? @ 2:37-2:42',
    ]);
  });

  it('instance keys must match count / for_each', async () => {
    const text = 'resource "aws_s3_bucket" "a" {\n  count = 2\n}\nresource "aws_s3_bucket" "b" {}\noutput "x" { value = aws_s3_bucket.a.id }\noutput "y" { value = aws_s3_bucket.b[0].id }\n';
    expect(brief(await validate(text))).toEqual([
      'Missing resource instance key | Because aws_s3_bucket.a has "count" set, its attributes must be accessed on specific instances.\n\nFor example, to correlate with indices of a referring resource, use:\n    aws_s3_bucket.a[count.index] @ 5:22-5:37',
      'Unexpected resource instance key | Because aws_s3_bucket.b does not have "count" or "for_each" set, references to it must not include an index key. Remove the bracketed index to refer to the single instance of this resource. @ 6:22-6:40',
    ]);
  });

  it('count.index and each.* only where count / for_each is set', async () => {
    expect(brief(await validate('resource "aws_s3_bucket" "b" {\n  bucket = "x-${count.index}-${each.key}"\n}\n'))).toEqual([
      'Reference to "count" in non-counted context | The "count" object can only be used in "module", "resource", and "data" blocks, and only when the "count" argument is set. @ 2:17-2:28',
      'Reference to "each" in context without for_each | The "each" object can be used only in "module" or "resource" blocks, and only when the "for_each" argument is set. @ 2:32-2:40',
    ]);
  });

  it('file() of a missing file is an invalid function argument; an existing one is fine', async () => {
    const text = 'resource "aws_iam_policy" "p" {\n  policy = file("${path.module}/policy.json")\n}\n';
    expect(brief(await validate(text))).toEqual([
      'Invalid function argument | Invalid value for "path" parameter: no file exists at "./policy.json"; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource. @ 2:20-2:31',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'tfpairs-verify-'));
    writeFileSync(join(dir, 'policy.json'), '{}');
    expect(await validate(text, { baseDir: dir })).toEqual([]);
  });

  it('unknown functions, with a suggestion', async () => {
    expect(brief(await validate('locals {\n  a = jsonencod({})\n}\n'))).toEqual(['Call to unknown function | There is no function named "jsonencod". Did you mean "jsonencode"? @ 2:7-2:16']);
  });

  it('names bound by for expressions and dynamic iterators are not references', async () => {
    const text = [
      'variable "rules" { default = [] }',
      'resource "aws_security_group" "s" {',
      '  tags = { for k, v in { a = 1 } : k => v }',
      '  dynamic "ingress" {',
      '    for_each = var.rules',
      '    content {',
      '      from_port   = ingress.value.from',
      '      to_port     = ingress.value.to',
      '      protocol    = "tcp"',
      '    }',
      '  }',
      '}',
    ].join('\n');
    expect(await validate(text)).toEqual([]);
  });

  it('a node whose dependency failed is skipped, as the graph walk does', async () => {
    const text = 'resource "aws_s3_bucket" "a" {\n  bogus = 1\n}\nresource "aws_s3_bucket_policy" "p" {\n  bucket = aws_s3_bucket.a.id\n}\n';
    // aws_s3_bucket_policy misses "policy", but it depends on a failed resource: only one error
    expect((await validate(text)).map((d) => d.summary)).toEqual(['Unsupported argument']);
  });
});

describe('provider schema checks', () => {
  it('invalid resource type and data source, with suggestions', async () => {
    expect(brief(await validate('resource "aws_instnce" "a" {}\ndata "aws_amii" "b" {}\nresource "aws_ami_ids" "c" {}\n'))).toEqual([
      'Invalid resource type | The provider hashicorp/aws does not support resource type "aws_instnce". Did you mean "aws_instance"? @ 1:10-1:23',
      'Invalid data source | The provider hashicorp/aws does not support data source "aws_amii". Did you mean "aws_ami"? @ 2:6-2:16',
      'Invalid resource type | The provider hashicorp/aws does not support resource type "aws_ami_ids".\n\nDid you intend to use the data source "aws_ami_ids"? If so, declare this using a "data" block instead of a "resource" block. @ 3:10-3:23',
    ]);
  });

  it('unsupported and missing arguments, unsupported blocks, block counts', async () => {
    const text = [
      'resource "aws_elasticache_user" "u" {',
      '  username      = "x"',
      '  engine        = "REDIS"',
      '  access_string = "on ~* +@all"',
      '  user_id       = "u1"',
      '  password {}',
      '}',
      'resource "aws_sagemaker_code_repository" "r" {',
      '  code_repository_name = "r"',
      '}',
      'resource "aws_s3_bucket" "b" {',
      '  versioning {}',
      '  versioning {}',
      '}',
    ].join('\n');
    expect(brief(await validate(text))).toEqual([
      'Missing required argument | The argument "user_name" is required, but no definition was found. @ 1:37-1:38',
      'Unsupported argument | An argument named "username" is not expected here. Did you mean "user_name"? @ 2:3-2:11',
      // block suggestions come from block types only ("passwords" is an argument)
      'Unsupported block type | Blocks of type "password" are not expected here. @ 6:3-6:11',
      'Insufficient git_config blocks | At least 1 "git_config" blocks are required. @ 8:46-8:47',
      'Too many versioning blocks | No more than 1 "versioning" blocks are allowed @ 13:3-13:13',
    ]);
  });

  it('an argument written as a block, and a block written as an argument', async () => {
    expect(brief(await validate('resource "aws_s3_bucket" "b" {\n  bucket {}\n  versioning = {}\n}\n'))).toEqual([
      'Unsupported block type | Blocks of type "bucket" are not expected here. Did you mean to define argument "bucket"? If so, use the equals sign to assign it a value. @ 2:3-2:9',
      'Unsupported argument | An argument named "versioning" is not expected here. Did you mean to define a block of type "versioning"? @ 3:3-3:13',
    ]);
  });

  it('literal values of the wrong type', async () => {
    const text = 'resource "aws_instance" "i" {\n  ami = "ami-1"\n  instance_type = "t2.micro"\n  monitoring = "sometimes"\n  cpu_core_count = true\n  security_groups = "sg-1"\n  tags = "x"\n}\n';
    expect(brief(await validate(text))).toEqual([
      'Incorrect attribute value type | Inappropriate value for attribute "monitoring": a bool is required. @ 4:16-4:27',
      'Incorrect attribute value type | Inappropriate value for attribute "cpu_core_count": number required. @ 5:20-5:24',
      'Incorrect attribute value type | Inappropriate value for attribute "security_groups": set of string required. @ 6:21-6:27',
      'Incorrect attribute value type | Inappropriate value for attribute "tags": map of string required. @ 7:10-7:13',
    ]);
  });

  it('deprecated arguments warn once the configuration has no errors', async () => {
    const text = 'resource "aws_db_instance" "d" {\n  instance_class = "db.t3.micro"\n  name = "x"\n}\n';
    const diags = await validate(text);
    expect(brief(diags)).toEqual(['W Argument is deprecated | The argument "name" is deprecated. Refer to the provider documentation for details. @ 3:10-3:13']);
    expect((await verifyCode(text, { schemas: aws4361() })).verdict).toBe('valid');
  });

  it('provider blocks are checked against the provider schema', async () => {
    expect(brief(await validate('provider "aws" {\n  regin = "us-east-1"\n}\n'))).toEqual(['Unsupported argument | An argument named "regin" is not expected here. Did you mean "region"? @ 2:3-2:8']);
  });

  it('providers without a schema are not guessed at', async () => {
    expect(await validate('resource "random_password" "p" {\n  length = 16\n  anything = true\n}\n')).toEqual([]);
  });
});

describe('modules of several files, snippets, robustness', () => {
  it('references and duplicates across files', async () => {
    const diags = await validateModule(
      [
        { filename: 'main.tf', text: 'resource "aws_s3_bucket" "b" {\n  bucket = var.name\n}\n' },
        { filename: 'variables.tf', text: 'variable "name" {\n  type = string\n}\n' },
        { filename: 'outputs.tf', text: 'output "arn" {\n  value = aws_s3_bucket.b.arn\n}\nresource "aws_s3_bucket" "b" {}\n' },
      ],
      { schemas: aws4361(), snippets: false },
    );
    expect(brief(diags)).toEqual([
      'Duplicate resource "aws_s3_bucket" configuration | A aws_s3_bucket resource named "b" was already declared at main.tf:1,1-29. Resource names must be unique per type in each module. @ 4:1-4:29',
    ]);
    expect(diags[0]!.range!.filename).toBe('outputs.tf');
    const ok = await validateModule(
      [
        { filename: 'main.tf', text: 'resource "aws_s3_bucket" "b" {\n  bucket = var.name\n}\n' },
        { filename: 'variables.tf', text: 'variable "name" {\n  type = string\n}\n' },
      ],
      { schemas: aws4361() },
    );
    expect(ok).toEqual([]);
  });

  it('snippets carry the enclosing block and the highlighted bytes (unicode-safe)', async () => {
    const diags = await validateModule([{ filename: 'main.tf', text: 'resource "aws_s3_bucket" "b" {\n  tags = { n = "é" }\n  bogus = 1\n}\n' }], { schemas: aws4361() });
    expect(diags).toHaveLength(1);
    expect(diags[0]!.range).toEqual({ filename: 'main.tf', start: { line: 3, column: 3, byte: 55 }, end: { line: 3, column: 8, byte: 60 } });
    expect(diags[0]!.snippet).toEqual({ context: 'resource "aws_s3_bucket" "b"', code: '  bogus = 1', start_line: 3, highlight_start_offset: 2, highlight_end_offset: 7, values: [] });
  });

  it('column counts characters while byte counts UTF-8 bytes', async () => {
    const diags = await validate('locals {\n  a = "ééé"\n  b = local.x\n}\n');
    expect(diags[0]!.range!.start).toEqual({ line: 3, column: 7, byte: 30 });
  });

  it('broken input of every kind never throws', async () => {
    const samples = [
      '',
      '\u0000\u0001binary',
      '{',
      '}}}}',
      'resource',
      'resource "a" "b" { x = [1, 2',
      'resource "aws_s3_bucket" "b" { bucket = "${" }',
      '"just a string"',
      '<<EOF\nx\n',
      'a = b = c',
      'resource "aws_s3_bucket" "b" {\n  dynamic {}\n  dynamic "nope" { content {} }\n}\n',
      'output "x" { value = data }\noutput "y" { value = module }\noutput "z" { value = self.id }\n',
      'locals { a = [for x in : x] }',
      'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = ">= 99" }\n  }\n}\n',
      '🙂 = 1',
      'resource "aws_s3_bucket" "b" { provider = "aws" }',
    ];
    const base = 'resource "aws_instance" "i" {\n  ami = "x"\n  instance_type = "t2.micro"\n  tags = { Name = "é" }\n}\n';
    for (let i = 0; i <= base.length; i += 7) samples.push(base.slice(0, i));
    for (const s of samples) {
      const diags = await validate(s);
      for (const d of diags) {
        expect(typeof d.summary).toBe('string');
        expect(d.severity === 'error' || d.severity === 'warning').toBe(true);
      }
    }
  });
});

describe('traversal into attribute values', () => {
  it('attribute access on a list, indexing a set, unknown object attributes', async () => {
    const text = [
      'resource "aws_eks_cluster" "c" {',
      '  name     = "c"',
      '  role_arn = "arn"',
      '  vpc_config {',
      '    subnet_ids = ["s"]',
      '  }',
      '}',
      'output "a" { value = aws_eks_cluster.c.certificate_authority.data }',
      'output "b" { value = aws_eks_cluster.c.certificate_authority[0].data }',
      'output "c" { value = aws_eks_cluster.c.certificate_authority[0].nope }',
      'resource "aws_security_group" "s" {}',
      'output "d" { value = aws_security_group.s.ingress[0] }',
      'output "e" { value = aws_eks_cluster.c.arn[0] }',
    ].join('\n');
    expect(brief(await validate(text))).toEqual([
      'Unsupported attribute | This value does not have any attributes. @ 8:61-8:66',
      'Unsupported attribute | This object does not have an attribute named "nope". @ 10:64-10:69',
      "Invalid index | Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set. @ 12:50-12:53",
      'Invalid index | This value does not have any indices. @ 13:43-13:46',
    ]);
  });

  it('backend settings must be constants', async () => {
    expect(brief(await validate('terraform {\n  backend "s3" {\n    bucket = var.b\n  }\n}\n'))).toEqual(['Variables not allowed | Variables may not be used here. @ 3:14-3:17']);
  });
});

describe('provider-side checks the schema implies', () => {
  it('computed-only arguments cannot be configured (reported once core decoding succeeded)', async () => {
    expect(brief(await validate('resource "aws_s3_bucket" "b" {\n  bucket_domain_name = "x.s3"\n  hosted_zone_id = null\n}\n'))).toEqual([
      'Value for unconfigurable attribute | Can\'t configure a value for "bucket_domain_name": its value will be decided automatically based on the result of applying this configuration. @ 2:24-2:30',
    ]);
    expect((await validate('resource "aws_s3_bucket" "b" {\n  bucket_domain_name = "x"\n  bogus = 1\n}\n')).map((d) => d.summary)).toEqual(['Unsupported argument']);
  });
});

describe('template directives', () => {
  it('for-directive variables are local to the directive body', async () => {
    const text = 'variable "names" { default = ["a"] }\nlocals {\n  s = <<EOT\n%{ for n in var.names }${n} ${nope}\n%{ endfor }\n%{ if length(var.names) > 0 }yes%{ endif }\nEOT\n}\n';
    expect(brief(await validate(text))).toEqual([
      'Invalid reference | A reference to a resource type must be followed by at least one attribute access, specifying the resource name. @ 4:31-4:35',
    ]);
  });
});

describe('lifecycle', () => {
  it('ignore_changes must name arguments of the resource', async () => {
    const text = 'resource "aws_instance" "i" {\n  ami           = "ami-1"\n  instance_type = "t2.micro"\n  lifecycle {\n    ignore_changes = [tags, amii]\n  }\n}\n';
    expect(brief(await validate(text))).toEqual([
      'Unsupported attribute | This object has no argument, nested block, or exported attribute named "amii". Did you mean "ami"? @ 5:29-5:33',
    ]);
  });
});

describe('provisioners and connections', () => {
  it('built-in provisioner arguments, connection host, self references', async () => {
    const text = [
      'resource "aws_instance" "i" {',
      '  ami           = "ami-1"',
      '  instance_type = "t2.micro"',
      '  connection {',
      '    user = "ec2-user"',
      '  }',
      '  provisioner "local-exec" {',
      '    command = "echo ${self.public_ip} ${self.publik_ip}"',
      '    cmd     = "x"',
      '  }',
      '}',
    ].join('\n');
    // the provisioner's reference error stops its own decoding; the connection is validated on its own
    expect(brief(await validate(text))).toEqual([
      'Missing required argument | The argument "host" is required, but no definition was found. @ 4:14-4:15',
      'Unsupported attribute | This object has no argument, nested block, or exported attribute named "publik_ip". Did you mean "public_ip"? @ 8:45-8:55',
    ]);
    const fixed = text.replace(' ${self.publik_ip}', '');
    expect(brief(await validate(fixed))).toEqual([
      'Missing required argument | The argument "host" is required, but no definition was found. @ 4:14-4:15',
      'Unsupported argument | An argument named "cmd" is not expected here. @ 9:5-9:8',
    ]);
  });
});

describe('variables', () => {
  it('quoted type constraints and defaults that do not fit the type', async () => {
    expect(brief(await validate('variable "x" {\n  type = "string"\n}\nvariable "n" {\n  type    = number\n  default = "abc"\n}\nvariable "count" {}\n'))).toEqual([
      'Invalid quoted type constraints | Terraform 0.11 and earlier required type constraints to be given in quotes, but that form is now deprecated and will be removed in a future version of Terraform. Remove the quotes around "string". @ 2:10-2:18',
      "Invalid default value for variable | This default value is not compatible with the variable's type constraint: a number is required. @ 6:13-6:18",
      'Invalid variable name | The variable name "count" is reserved due to its special meaning inside module blocks. @ 8:10-8:17',
    ]);
  });

  it('HCL itself rejects an argument set twice', async () => {
    expect(brief(await validate('resource "aws_s3_bucket" "b" {\n  bucket = "a"\n  bucket = "b"\n}\n'))).toEqual([
      'Attribute redefined | The argument "bucket" was already set at main.tf:2,3-9. Each argument may be set only once. @ 3:3-3:9',
    ]);
  });
});

describe('function argument counts', () => {
  it('too few and too many arguments', async () => {
    expect(brief(await validate('locals {\n  a = cidrsubnet("10.0.0.0/16", 8)\n  b = upper("x", "y")\n  c = lookup({}, "k", "d")\n  d = max(1, 2, 3)\n}\n'))).toEqual([
      'Not enough function arguments | Function "cidrsubnet" expects 3 argument(s). Missing value for "netnum". @ 2:34-2:35',
      'Too many function arguments | Function "upper" expects only 1 argument(s). @ 3:19-3:20',
    ]);
  });
});

describe('conversions terraform accepts', () => {
  it('"1" and "0" convert to bool, mixed-case booleans get cty\'s hint, data sources in check blocks are declared', async () => {
    const text = [
      'resource "aws_instance" "i" {',
      '  ami           = "ami-1"',
      '  instance_type = "t2.micro"',
      '  monitoring    = "1"',
      '  ebs_optimized = "True"',
      '}',
      'check "health" {',
      '  data "aws_region" "r" {}',
      '  assert {',
      '    condition     = data.aws_region.r.name != ""',
      '    error_message = "x"',
      '  }',
      '}',
      'output "r" { value = data.aws_region.r.name }',
    ].join('\n');
    // a check block's data source is visible only inside that check (recorded: lang-oracle check-data-outside)
    expect(brief(await validate(text))).toEqual([
      'Incorrect attribute value type | Inappropriate value for attribute "ebs_optimized": a bool is required; to convert from string, use lowercase "true". @ 5:19-5:25',
      'Reference to scoped resource | The referenced data resource "aws_region" "r" is not available from this context. @ 14:22-14:39',
    ]);
  });
});

describe('resource meta-arguments', () => {
  it('quoted references (a deprecation warning), data lifecycle arguments, duplicate lifecycle blocks', async () => {
    const text = [
      'resource "aws_s3_bucket" "a" {',
      '  provider = "aws"',
      '}',
      'data "aws_region" "r" {',
      '  lifecycle {',
      '    prevent_destroy = true',
      '  }',
      '}',
      'resource "aws_s3_bucket" "b" {',
      '  lifecycle {}',
      '  lifecycle {}',
      '}',
    ].join('\n');
    expect(brief(await validate(text))).toEqual([
      'W Quoted references are deprecated | In this context, references are expected literally rather than in quotes. Terraform 0.11 and earlier required quotes, but quoted references are now deprecated and will be removed in a future version of Terraform. Remove the quotes surrounding this reference to silence this warning. @ 2:14-2:19',
      'Invalid data resource lifecycle argument | The lifecycle argument "prevent_destroy" is defined only for managed resources ("resource" blocks), and is not valid for data resources. @ 6:5-6:20',
      'Duplicate lifecycle block | This resource already has a lifecycle block at main.tf:10,3-12. @ 11:3-11:12',
    ]);
  });
});

describe('quoted references in depends_on', () => {
  it('are resolved like bare ones (positions inside the quotes), with a warning', async () => {
    const text = 'resource "aws_s3_bucket" "a" {}\nresource "aws_s3_bucket" "b" {\n  depends_on = ["aws_s3_bucket.a", "aws_s3_bucket.zz"]\n}\n';
    expect(brief(await validate(text))).toEqual([
      'W Quoted references are deprecated | In this context, references are expected literally rather than in quotes. Terraform 0.11 and earlier required quotes, but quoted references are now deprecated and will be removed in a future version of Terraform. Remove the quotes surrounding this reference to silence this warning. @ 3:17-3:34',
      'W Quoted references are deprecated | In this context, references are expected literally rather than in quotes. Terraform 0.11 and earlier required quotes, but quoted references are now deprecated and will be removed in a future version of Terraform. Remove the quotes surrounding this reference to silence this warning. @ 3:36-3:54',
      'Reference to undeclared resource | A managed resource "aws_s3_bucket" "zz" has not been declared in the root module. @ 3:37-3:53',
    ]);
  });
});

describe('custom conditions', () => {
  it('validation and pre/postcondition blocks need condition and error_message', async () => {
    const text = 'variable "v" {\n  validation {\n    condition = true\n  }\n}\noutput "o" {\n  value = 1\n  precondition {\n    error_message = "x"\n  }\n}\n';
    expect(brief(await validate(text))).toEqual([
      'Missing required argument | The argument "error_message" is required, but no definition was found. @ 2:14-2:15',
      // checked against terraform 1.11.4: a condition must refer to something, a validation to its variable
      'Invalid validation expression | The condition expression must refer to at least one object from elsewhere in the configuration, or else its result would not be checking anything. @ 3:17-3:21',
      'Invalid variable validation condition | The condition for variable "v" must refer to var.v in order to test incoming values. @ 3:17-3:21',
      'Missing required argument | The argument "condition" is required, but no definition was found. @ 8:16-8:17',
    ]);
  });
});

describe('pathological input', () => {
  it('nesting deep enough to break the parser is refused before parsing, and the parser keeps working', async () => {
    const deep = await validate('locals {\n  a = ' + '['.repeat(3000) + ']'.repeat(3000) + '\n}\n');
    expect(deep.map((d) => d.summary)).toEqual(['Configuration too deeply nested']);
    expect(deep[0]!.range!.start).toEqual({ line: 2, column: 3006, byte: 3014 });
    const blocks = await validate('resource "aws_s3_bucket" "b" {\n' + 'x {\n'.repeat(2000) + '}\n'.repeat(2000) + '}\n');
    expect(blocks.map((d) => d.summary)).toEqual(['Configuration too deeply nested']);
    expect((await validate('resource "aws_s3_bucket" "b" {\n  bogus = 1\n}\n')).map((d) => d.summary)).toEqual(['Unsupported argument']);
  });

  it('an expression too long for the recursive checks is a finding, not an exception', async () => {
    const diags = await validate('locals {\n  a = ' + Array(20000).fill('1').join(' + ') + '\n}\n');
    expect(diags.map((d) => d.summary)).toEqual(['Configuration too complex']);
  });
});

describe('snippets of syntax errors', () => {
  it('name the enclosing block, as terraform does', async () => {
    const diags = await validateModule([{ filename: 'main.tf', text: 'resource "aws_s3_bucket" "b" {\n  bucket = \n}\n' }], { schemas: aws4361() });
    expect(diags.map((d) => d.summary)).toEqual(['Invalid expression']);
    expect(diags[0]!.snippet).toMatchObject({ context: 'resource "aws_s3_bucket" "b"', start_line: 2 });
  });
});
