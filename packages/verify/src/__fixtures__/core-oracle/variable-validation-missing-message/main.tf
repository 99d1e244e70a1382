variable "a" {
  validation {
    condition = var.a != ""
  }
}
