variable "a" {
  default = 
}
