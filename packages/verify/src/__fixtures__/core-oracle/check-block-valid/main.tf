variable "a" {
  default = 1
}
check "positive" {
  assert {
    condition     = var.a > 0
    error_message = "a must be positive"
  }
}
