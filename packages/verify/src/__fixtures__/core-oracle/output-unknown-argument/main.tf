output "o" {
  value = 1
  foo   = 2
}
