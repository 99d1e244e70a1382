# Derived from terraform's TestFmt case "variable_type" (testdata/fmt/variable_type_in.tf).
variable "s" {
  type = string
}

variable "bare_list" {
  type = list(any)
}

variable "bare_map" {
  type = map(any)
}

variable "bare_set" {
  type = set(any)
}

variable "quoted_string" {
  type = string
}

variable "quoted_list" {
  type = list(string)
}

variable "quoted_map" {
  type = map(string)
}

variable "obj" {
  type = object({
    name = string
  })
}

variable "tup" {
  type = tuple([number])
}

variable "nested" {
  type = list(
    object({
      on = bool
    })
  )
}
