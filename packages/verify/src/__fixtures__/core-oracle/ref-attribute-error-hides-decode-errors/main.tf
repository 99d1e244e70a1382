variable "cfg" {
  type = object({ name = string })
}

resource "terraform_data" "a" {
  input = var.cfg.nmae
  extra = "x"
}

resource "terraform_data" "b" {
  input = "ok"
  extra = "y"
}
