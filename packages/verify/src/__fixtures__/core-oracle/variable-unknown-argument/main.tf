variable "a" {
  typo = 1
}
