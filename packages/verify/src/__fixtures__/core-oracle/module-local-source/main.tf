module "m" {
  source = "./m"
  v      = 1
}
output "o" {
  value = module.m.o
}
