provider "aws" {
  region = "us-west-2"
}

resource "aws_kinesis_video_stream" "example" {
  name        = "example-stream"
  stream_mode = "PRODUCE_AND_CONSUME"

  tags = {
    Environment = "dev"
  }
}
