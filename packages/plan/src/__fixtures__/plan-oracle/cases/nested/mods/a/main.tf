variable "env" {
  type = string
}

module "b" {
  source = "../b"
  label  = "app-${var.env}"
}

output "label" {
  value = module.b.label
}
