variable "buckets" {
  type = map(object({ size = number }))
  default = {
    logs  = { size = 10 }
    media = { size = 200 }
  }
}

resource "terraform_data" "set" {
  for_each = toset(["x", "y"])
  input    = "item-${each.key}"
}

resource "terraform_data" "map" {
  for_each = var.buckets
  input = {
    name = each.key
    size = each.value.size
  }
}

resource "terraform_data" "chained" {
  for_each = terraform_data.set
  input    = each.value.input
}

output "map_inputs" {
  value = { for k, v in terraform_data.map : k => v.input }
}
