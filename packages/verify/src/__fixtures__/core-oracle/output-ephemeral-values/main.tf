variable "token" {
  ephemeral = true
  default   = "t"
}
locals {
  applying = terraform.applying
}
output "applying" {
  value = terraform.applying
}
output "token" {
  value = var.token
}
output "via_local" {
  value = local.applying
}
output "ok" {
  value     = var.token
  ephemeral = true
}
output "in_template" {
  value = "x${terraform.applying}"
}
output "stripped" {
  value = ephemeralasnull(var.token)
}
