variable "a" {
  default = var.b
}
output "o" {
  value = local.nope
}
output "p" {
  value = var.nope
}
resource "terraform_data" "x" {
  count    = 1
  for_each = {}
}
