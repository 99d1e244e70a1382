variable "bucket" {
  default = "b"
}
terraform {
  backend "local" {
    path = var.bucket
  }
}
