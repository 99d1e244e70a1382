variable "a" {
  sensitive = "yes"
}
