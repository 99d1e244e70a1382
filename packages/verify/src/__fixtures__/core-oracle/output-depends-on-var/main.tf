variable "v" {}
output "o" {
  value      = 1
  depends_on = [var.v]
}
