variable "a" {
  validation {
    condition     = var.a != ""
    error_message = "bad: ${local.nope}"
  }
}
