variable "password" {
  type      = string
  default   = "hunter2"
  sensitive = true
}

variable "plain" {
  default = "open"
}

resource "terraform_data" "secret" {
  input = {
    user     = "admin"
    password = var.password
  }
}

resource "terraform_data" "whole" {
  input = var.password
}

resource "terraform_data" "fn" {
  input = nonsensitive(var.password)
}

output "password" {
  value     = var.password
  sensitive = true
}

output "plain" {
  value = var.plain
}
