resource "terraform_data" "a" {
  lifecycle {
    postcondition {
      condition     = self.nope == "x"
      error_message = "x"
    }
  }
}
