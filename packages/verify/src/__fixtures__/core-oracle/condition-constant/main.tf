resource "terraform_data" "a" {
  lifecycle {
    precondition {
      condition     = true
      error_message = "x"
    }
  }
}
check "c" {
  assert {
    condition     = true
    error_message = "x"
  }
}
output "o" {
  value = 1
  precondition {
    condition     = 1 == 1
    error_message = "x"
  }
}
variable "v" {
  default = "x"
  validation {
    condition     = length(var.v) > 0
    error_message = "x ${var.v}"
  }
}
