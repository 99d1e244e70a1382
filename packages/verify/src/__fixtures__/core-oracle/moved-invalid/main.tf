moved {
  from = var.a
  to   = terraform_data.b
}
