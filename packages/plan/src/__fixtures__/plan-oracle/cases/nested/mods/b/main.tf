variable "label" {
  type = string
}

resource "terraform_data" "leaf" {
  input            = var.label
  triggers_replace = [var.label]
}

output "label" {
  value = terraform_data.leaf.input
}
