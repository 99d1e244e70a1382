resource "terraform_data" "a" {
  input = "x"
}

resource "terraform_data" "b" {
  count = 2
  input = terraform_data.a.output
}

output "ids" {
  value = terraform_data.b[*].id
}
