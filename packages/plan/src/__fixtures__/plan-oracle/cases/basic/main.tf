resource "terraform_data" "one" {
  input = "hello"
}

resource "terraform_data" "two" {
  input            = { name = "x", size = 3, on = true, list = [1, 2, 3] }
  triggers_replace = ["a", "b"]
}

resource "terraform_data" "empty" {}

output "one_input" {
  value = terraform_data.one.input
}

output "two_output" {
  value = terraform_data.two.output
}
