resource "terraform_data" "a" {
  lifecycle {
    precondition {
      condition     = local.nope
      error_message = "x"
    }
  }
}
