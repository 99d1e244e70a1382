variable "obj" {
  type = object({
    name = string
    size = number
  })
  default = {
    name = "a"
    size = "big"
  }
}
