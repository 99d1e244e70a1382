variable "names" {
  type    = list(string)
  default = ["a"]
}
output "upper" {
  value = [for n in var.names : upper(n) if n != local.skip]
}
output "ok" {
  value = { for i, n in var.names : n => i }
}
