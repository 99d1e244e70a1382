resource "terraform_data" "a" {
  lifecycle {
    precondition {
      condition     = self.output == "x"
      error_message = "x"
    }
  }
}
