resource "terraform_data" "base" {
  input = "base"
}

resource "terraform_data" "after" {
  input      = "${terraform_data.base.id}-suffix"
  depends_on = [terraform_data.base]

  lifecycle {
    create_before_destroy = true
  }
}

resource "terraform_data" "obj" {
  input = {
    id     = terraform_data.base.id
    output = terraform_data.base.output
    fixed  = 1
  }
  triggers_replace = [terraform_data.base.id, "x"]
}

locals {
  from_base = upper(terraform_data.base.input)
}

resource "terraform_data" "via_local" {
  input = local.from_base
}

output "after_input" {
  value      = terraform_data.after.input
  depends_on = [terraform_data.obj]
}
