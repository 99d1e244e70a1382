resource "terraform_data" "a" {
  input  = var.missing
  bogus  = 1
}

resource "terraform_data" "b" {
  triggers_replace = local.nope
  nonsense         = true
}
