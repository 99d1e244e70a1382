variable "x" {
  default = 3
}

output "double" {
  value = var.x * 2
}

output "list" {
  value = [var.x, "s", null]
}

output "nullv" {
  value = null
}
