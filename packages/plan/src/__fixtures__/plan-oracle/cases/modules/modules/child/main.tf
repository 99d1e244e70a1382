variable "name" {
  type = string
}

variable "size" {
  type    = number
  default = 1
}

resource "terraform_data" "inner" {
  input = "hi ${var.name} x${var.size}"
}

output "greeting" {
  value = terraform_data.inner.input
}

output "id" {
  value = terraform_data.inner.id
}
