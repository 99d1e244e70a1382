variable "a" {
  type = number
  validation {
    condition     = var.a > 0
    error_message = "Must be positive."
  }
}
