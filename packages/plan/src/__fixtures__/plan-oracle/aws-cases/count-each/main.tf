terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

locals {
  users = { alice = "dev", bob = "ops" }
}

resource "aws_iam_user" "u" {
  for_each = local.users
  name     = each.key
  tags     = { team = each.value }
}

resource "aws_iam_group" "g" {
  count = 2
  name  = "group-${count.index}"
}

resource "aws_iam_policy" "p" {
  name = "read"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "*" }]
  })
}

resource "aws_iam_user_policy_attachment" "a" {
  for_each   = aws_iam_user.u
  user       = each.value.name
  policy_arn = aws_iam_policy.p.arn
}
