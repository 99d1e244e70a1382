locals {
  x = 1
}
variable "a" {
  default = local.x
}
