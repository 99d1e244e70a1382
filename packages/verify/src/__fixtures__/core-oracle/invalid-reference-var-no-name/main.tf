output "o" {
  value = var
}
