resource aws_s3_bucket logs {
  bucket = "logs"
}

resource /* dropped */ "aws_s3_bucket" /* dropped */ "b" /* kept */ {
}

module "a\u0042c" {
  source = "./m"
}

data "aws_iam_policy_document" "caf\u00e9" {}

resource "aws_security_group" "sg" {
  dynamic ingress {
    for_each = var.ports
    content {
      from_port = ingress.value
    }
  }
}

locals {}
