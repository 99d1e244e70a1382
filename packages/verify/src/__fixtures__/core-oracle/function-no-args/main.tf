output "o" {
  value = length()
}
