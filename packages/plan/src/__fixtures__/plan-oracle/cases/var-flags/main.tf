variable "required" {
  type = string
}

variable "count_n" {
  type    = number
  default = 1
}

variable "flag" {
  type    = bool
  default = false
}

resource "terraform_data" "r" {
  count = var.count_n
  input = "${var.required}-${var.flag}"
}
