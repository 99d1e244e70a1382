variable "cidr" {
  type = string
}

variable "zones" {
  type = list(string)
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
  tags       = { Name = "net" }
}

resource "aws_subnet" "this" {
  count             = length(var.zones)
  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(var.cidr, 8, count.index)
  availability_zone = "eu-west-1${var.zones[count.index]}"
}

output "subnet_ids" {
  value = aws_subnet.this[*].id
}

output "cidr" {
  value = aws_vpc.this.cidr_block
}
