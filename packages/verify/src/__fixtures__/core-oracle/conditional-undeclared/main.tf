output "o" {
  value = var.flag ? "a" : local.other
}
