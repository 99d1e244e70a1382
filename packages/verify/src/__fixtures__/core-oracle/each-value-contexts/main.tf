resource "terraform_data" "plain" {
  input = each.value
}
output "o" {
  value = each.value
}
locals {
  l = each.key
}
