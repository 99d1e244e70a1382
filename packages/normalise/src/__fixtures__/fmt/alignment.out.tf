resource "aws_instance" "web" {
  ami                         = "ami-123"
  instance_type               = "t3.micro"
  associate_public_ip_address = true

  count = 2
  tags = {
    Name        = "web"
    Environment = "dev"
  }
  ebs_block_device {
    device_name = "/dev/sdh"
    volume_size = 10
  }
}
