provider "aws" {
  region = "us-east-1"
}

variable "ports" {
  default = [80, 443]
}

resource "aws_security_group" "web" {
  name = "web"

  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_s3_bucket" "b" {
  bucket = "b-${aws_security_group.web.name}"
}

resource "aws_s3_bucket_lifecycle_configuration" "l" {
  bucket = aws_s3_bucket.b.id

  dynamic "rule" {
    for_each = { logs = 30, tmp = 1 }
    iterator = r
    content {
      id     = r.key
      status = "Enabled"
      filter {
        prefix = "${r.key}/"
      }
      expiration {
        days = r.value
      }
    }
  }
}
