variable "b" {
  default = 1
}
variable "a" {
  type = number
  validation {
    condition     = var.a > var.b
    error_message = "Must be greater than b."
  }
}
