# leading comment
// slash comment
/* block
   comment */
resource "aws_s3_bucket" "b" { # after brace
  bucket        = "b"          # short
  acl           = "private"    // longer comment
  force_destroy = true /* inline block */
  # standalone
  versioning {
    enabled = true
  }
}
