variable "name" {
  type    = string
  default = "x"
}

locals {
  upper = upper(var.name)
}

output "upper" {
  value = local.upper
}
