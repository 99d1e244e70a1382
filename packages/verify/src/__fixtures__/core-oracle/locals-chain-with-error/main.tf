locals {
  a = local.missing
  b = local.a
}
output "o" {
  value = local.b
}
