output "o" {
  value = file("${path.module}/missing.txt")
}
