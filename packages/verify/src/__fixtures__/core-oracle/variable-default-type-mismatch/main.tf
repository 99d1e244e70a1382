variable "a" {
  type    = number
  default = "abc"
}
