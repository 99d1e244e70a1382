variable "a" {
  default = "x"
}
output "o" {
  value = "${var.a}"
}
