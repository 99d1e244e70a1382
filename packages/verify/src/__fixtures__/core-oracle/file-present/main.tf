output "o" {
  value = file("${path.module}/hello.txt")
}
