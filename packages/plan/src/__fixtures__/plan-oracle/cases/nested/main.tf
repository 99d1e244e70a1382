locals {
  envs  = ["dev", "prod"]
  first = local.upper_envs[0]
  upper_envs = [for e in local.envs : upper(e)]
}

module "a" {
  source   = "./mods/a"
  for_each = toset(local.envs)
  env      = each.value
}

module "maybe" {
  source = "./mods/b"
  count  = length(local.envs) > 5 ? 1 : 0
  label  = "never"
}

resource "terraform_data" "summary" {
  input = {
    first = local.first
    names = [for k, m in module.a : m.label]
  }
  depends_on = [module.a]
}

output "labels" {
  value = { for k, m in module.a : k => m.label }
}
