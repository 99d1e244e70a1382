resource "terraform_data" "a" {
  input = "original"
}

variable "name" {
  default = "base"
}
