provider "aws" {
  region = "us-west-2"
}

resource "aws_s3_bucket" "pike" {
  bucket = "pike-680235478471"
}

resource "aws_s3_bucket_request_payment_configuration" "requester_pays" {
  bucket        = aws_s3_bucket.pike.id
  request_payer = "Requester"
}
