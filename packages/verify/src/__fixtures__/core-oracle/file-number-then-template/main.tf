locals {
  name = "missing"
  a    = file("files/${local.name}.txt")
}
