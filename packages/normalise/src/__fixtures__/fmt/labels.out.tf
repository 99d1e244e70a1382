resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}

resource "aws_s3_bucket" "b" /* kept */ {
}

module "aBc" {
  source = "./m"
}

data "aws_iam_policy_document" "café" {}

resource "aws_security_group" "sg" {
  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port = ingress.value
    }
  }
}

locals {}
