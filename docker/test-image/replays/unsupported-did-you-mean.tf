provider "aws" {
  region = "us-west-2"
}

resource "aws_elasticache_user" "example" {
  user_id       = "exampleUserId"
  user_name     = "exampleuser"
  access_string = "on ~* +@all"
  engine        = "REDIS"
  password      = "password123"
}
