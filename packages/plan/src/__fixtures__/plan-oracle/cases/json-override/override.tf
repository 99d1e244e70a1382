resource "terraform_data" "a" {
  input = "overridden"
}

variable "name" {
  default = "over"
}
