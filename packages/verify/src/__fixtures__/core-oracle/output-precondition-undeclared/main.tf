output "o" {
  value = 1
  precondition {
    condition     = var.nope
    error_message = "x"
  }
}
