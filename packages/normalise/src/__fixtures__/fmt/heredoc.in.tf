resource "aws_iam_policy" "p" {
    name = "p"
  policy = <<EOF
{
  "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "${aws_s3_bucket.b.arn}"}]
}
EOF
        description = <<-EOT
    indented text
      keeps its own spaces # not a comment
    EOT
  user_data = "${<<EOT
echo hi
EOT
}"
}
