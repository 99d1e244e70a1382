module "single" {
  source = "./modules/child"
  name   = "one"
}

module "counted" {
  source = "./modules/child"
  count  = 2
  name   = "c${count.index}"
}

module "each" {
  source   = "./modules/child"
  for_each = toset(["p", "q"])
  name     = each.key
  size     = 5
}

resource "terraform_data" "uses" {
  input = module.single.greeting
}

output "greeting" {
  value = module.single.greeting
}

output "counted_ids" {
  value = module.counted[*].id
}
