output "o" {
  value = path.nope
}
