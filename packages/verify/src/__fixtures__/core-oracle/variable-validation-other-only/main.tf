variable "b" {
  default = 1
}
variable "a" {
  validation {
    condition     = var.b > 0
    error_message = "b must be positive."
  }
}
