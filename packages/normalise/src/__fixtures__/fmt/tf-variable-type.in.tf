# Derived from terraform's TestFmt case "variable_type" (testdata/fmt/variable_type_in.tf).
variable "s" {
  type = string
}

variable "bare_list" {
  type = list
}

variable "bare_map" {
  type = map
}

variable "bare_set" {
  type = set
}

variable "quoted_string" {
  type = "string"
}

variable "quoted_list" {
  type = "list"
}

variable "quoted_map" {
  type = "map"
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
