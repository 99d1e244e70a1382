variable "a" {
  default = upper("x")
}
