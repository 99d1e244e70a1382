output "o" {
  value = var.missing
}
