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

resource "aws_ssm_parameter" "db_password" {
  name        = "/billing/prod/db-password"
  description = "Database password for the billing service"
  type        = "SecureString"
  value       = var.db_password
}
