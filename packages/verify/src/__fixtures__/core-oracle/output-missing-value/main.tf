output "o" {
  description = "no value"
}
