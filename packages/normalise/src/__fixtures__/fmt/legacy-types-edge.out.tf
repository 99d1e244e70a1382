variable "set_quoted" {
  type = "set"
}

variable "interp" {
  type    = "${string}"
  default = var.other
}

variable "nested" {
  validation {
    type = list
  }
}

output "o" {
  type  = "string"
  value = var.x
}

module "m" {
  type = map
}
