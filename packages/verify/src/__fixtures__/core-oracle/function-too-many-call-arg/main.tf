output "o" {
  value = upper("a", lower("B"))
}
