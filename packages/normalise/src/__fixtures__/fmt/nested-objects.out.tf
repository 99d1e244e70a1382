locals {
  rules = [
    {
      port        = 80
      cidr_blocks = ["0.0.0.0/0"]
    },
    { port = 443, cidr_blocks = ["10.0.0.0/8", "192.168.0.0/16"] },
  ]
  matrix = {
    a = { b = { c = 1, dd = 2 } }
    long_key = {
      x = [for s in var.list : upper(s) if s != ""]
      y = { for k, v in var.map : k => v... }
    }
  }
  neg   = -1
  sum   = 1 + 2 * 3
  cond  = var.a ? var.b : var.c
  splat = aws_instance.web[*].id
  idx   = var.list[0]
}
