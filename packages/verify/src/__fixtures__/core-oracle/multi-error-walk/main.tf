output "o" {
  value = local.nope
}
output "p" {
  value = var.nope
}
output "q" {
  value = terraform_data.none.id
}
locals {
  z = frobnicate()
}
