variable "secret" {
  sensitive = true
  default   = "x"
}
output "o" {
  value = var.secret
}
