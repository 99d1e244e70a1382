output "1o" {
  value = 1
}
