variable "names" {
  default = ["a", "b", "c"]
}

resource "terraform_data" "fixed" {
  count = 2
  input = "fixed-${count.index}"
}

resource "terraform_data" "by_var" {
  count = length(var.names)
  input = var.names[count.index]
}

resource "terraform_data" "none" {
  count = 0
  input = "never"
}

resource "terraform_data" "cond" {
  count = var.names[0] == "a" ? 1 : 0
  input = terraform_data.fixed[0].input
}

output "ids" {
  value = terraform_data.fixed[*].id
}

output "inputs" {
  value = terraform_data.by_var[*].input
}
