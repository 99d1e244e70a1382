variable "a" {
  nullable  = false
  ephemeral = true
  default   = "x"
}
