variable "name" {
  type    = string
  default = "web"
}

variable "sizes" {
  type        = list(number)
  default     = [1, 2, 3]
  description = "the sizes"
}

variable "tags" {
  type = map(string)
  default = {
    env  = "dev"
    team = "core"
  }
}

variable "untyped" {
  default = { a = 1, b = ["x"] }
}

variable "nullable_one" {
  type    = string
  default = null
}

variable "obj" {
  type = object({
    name = string
    port = optional(number, 8080)
  })
  default = { name = "svc" }
}

locals {
  full_name = "${var.name}-${var.tags["env"]}"
  total     = var.sizes[0] + var.sizes[2]
  merged    = merge(var.tags, { extra = "yes" })
}

resource "terraform_data" "v" {
  input = {
    name    = local.full_name
    total   = local.total
    merged  = local.merged
    untyped = var.untyped
    null    = var.nullable_one
    obj     = var.obj
  }
}

output "full_name" {
  value       = local.full_name
  description = "the name"
}

output "obj_port" {
  value = var.obj.port
}
