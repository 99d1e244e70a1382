provider "aws" {
  region = "us-west-2"
}

variable "db_password" {
  type      = string
  default   = "s3cret-value"
  sensitive = true
}

resource "aws_db_instance" "db" {
  identifier          = "main"
  engine              = "mysql"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "admin"
  password            = var.db_password
  skip_final_snapshot = true
}

output "endpoint" {
  value = aws_db_instance.db.endpoint
}

output "user" {
  value = aws_db_instance.db.username
}
