provider "aws" {
  region = "eu-west-1"
}

module "net" {
  source = "./modules/net"
  cidr   = "10.1.0.0/16"
  zones  = ["a", "b"]
}

resource "aws_instance" "app" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  subnet_id     = module.net.subnet_ids[0]
}

output "vpc_cidr" {
  value = module.net.cidr
}
