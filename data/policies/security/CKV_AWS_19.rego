# CKV_AWS_19: Ensure all data stored in the S3 bucket is securely encrypted at rest
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/graph_checks/aws/S3BucketEncryption.yaml
package security.CKV_AWS_19

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_19",
	"title": "Ensure all data stored in the S3 bucket is securely encrypted at rest",
	"severity": "MEDIUM",
	"resource_types": ["aws_s3_bucket", "aws_s3_bucket_server_side_encryption_configuration"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/graph_checks/aws/S3BucketEncryption.yaml",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_s3_bucket")
	not encrypted(r)
}

# A bucket with neither inline nor separate encryption configuration passes: S3 encrypts new objects with
# SSE-S3 (AES256) by default since January 2023, as Checkov's definition says.
encrypted(r) if lib.first(lib.first(lib.first(lib.after(r), "server_side_encryption_configuration"), "rule"), "apply_server_side_encryption_by_default").sse_algorithm in {"aws:kms", "AES256"}

encrypted(r) if {
	count(lib.companions(r, "aws_s3_bucket_server_side_encryption_configuration", "bucket", "bucket")) == 0
	not lib.set_value(lib.after(r), "server_side_encryption_configuration")
}

encrypted(r) if {
	some c in lib.companions(r, "aws_s3_bucket_server_side_encryption_configuration", "bucket", "bucket")
	some rule in lib.after(c).rule
	lib.first(rule, "apply_server_side_encryption_by_default").sse_algorithm in {"aws:kms", "AES256"}
}
