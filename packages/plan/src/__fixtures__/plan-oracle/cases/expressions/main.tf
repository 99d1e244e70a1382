variable "enabled" {
  default = true
}

variable "items" {
  default = [{ name = "a", n = 1 }, { name = "b", n = 2 }]
}

locals {
  names    = var.items[*].name
  doubled  = [for i in var.items : i.n * 2]
  by_name  = { for i in var.items : i.name => i.n if i.n > 1 }
  heredoc  = <<-EOT
    hello ${var.items[0].name}
    %{for i in var.items}- ${i.name}
    %{endfor}
  EOT
  math     = (10 - 4) / 3 % 2
  cmp      = [1 < 2, "a" == "a", !var.enabled, var.enabled && false]
  neg      = -5
  floaty   = 1.5 * 2
  str_num  = "3" + 1
}

resource "terraform_data" "e" {
  count = var.enabled ? 1 : 0
  input = {
    names   = local.names
    doubled = local.doubled
    by_name = local.by_name
    heredoc = local.heredoc
    math    = local.math
    cmp     = local.cmp
    neg     = local.neg
    floaty  = local.floaty
    str_num = local.str_num
  }
}

resource "terraform_data" "literal_ops" {
  input = [1 + 2, "x${"y"}", true ? "t" : "f", [for s in ["a", "b"] : upper(s)]]
}
