/**
 * HCL / Terraform keywords for CodeBLEU's weighted n-gram match (weight 1; every other token 0.2).
 * CodeXGLUE ships one keyword file per language; this is the Terraform one. Tokens are whitespace
 * tokens, so a word only counts where it stands alone (`resource`, `count`, `for`, `in`, `true`), never
 * inside `var.x` or `[for`: that is how the reference treats `self.x` in Python too.
 */
export const HCL_KEYWORDS: ReadonlySet<string> = new Set([
  // top-level and nested block types of the Terraform language
  'resource', 'data', 'variable', 'output', 'locals', 'module', 'provider', 'terraform', 'moved',
  'import', 'removed', 'check', 'backend', 'cloud', 'required_providers', 'dynamic', 'content',
  'lifecycle', 'provisioner', 'connection', 'precondition', 'postcondition', 'validation', 'assert',
  // meta-arguments and their lifecycle settings
  'count', 'for_each', 'depends_on', 'providers', 'source', 'version', 'alias', 'create_before_destroy',
  'prevent_destroy', 'ignore_changes', 'replace_triggered_by', 'required_version', 'sensitive',
  'nullable', 'ephemeral', 'description', 'default', 'type', 'condition', 'error_message', 'iterator',
  'labels', 'value', 'from', 'to', 'id', 'when', 'on_failure',
  // reference roots (only as standalone tokens)
  'var', 'local', 'each', 'self', 'path', 'count.index', 'each.key', 'each.value', 'path.module',
  'path.root', 'path.cwd', 'terraform.workspace',
  // for / if expressions and template directives
  'for', 'in', 'if', 'else', 'endfor', 'endif',
  // literals
  'true', 'false', 'null',
  // type constraint words
  'string', 'number', 'bool', 'list', 'map', 'set', 'object', 'tuple', 'any',
]);
