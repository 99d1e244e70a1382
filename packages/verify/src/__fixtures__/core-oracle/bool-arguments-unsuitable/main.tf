variable "a" {
  nullable = "x"
}
variable "b" {
  ephemeral = 1
}
variable "c" {
  sensitive = "true"
}
output "o" {
  value     = 1
  ephemeral = "no"
}
