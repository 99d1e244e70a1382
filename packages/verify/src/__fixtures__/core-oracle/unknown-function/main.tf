output "o" {
  value = frobnicate(1)
}
