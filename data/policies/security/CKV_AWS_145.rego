# CKV_AWS_145: Ensure that S3 buckets are encrypted with KMS by default
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/graph_checks/aws/S3KMSEncryptedByDefault.yaml
package security.CKV_AWS_145

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_145",
	"title": "Ensure that S3 buckets are encrypted with KMS by default",
	"severity": "MEDIUM",
	"resource_types": ["aws_s3_bucket", "aws_s3_bucket_server_side_encryption_configuration"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/graph_checks/aws/S3KMSEncryptedByDefault.yaml",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_s3_bucket")
	not kms(r)
}

kms(r) if lib.first(lib.first(lib.first(lib.after(r), "server_side_encryption_configuration"), "rule"), "apply_server_side_encryption_by_default").sse_algorithm == "aws:kms"

kms(r) if {
	some c in lib.companions(r, "aws_s3_bucket_server_side_encryption_configuration", "bucket", "bucket")
	some rule in lib.after(c).rule
	lib.first(rule, "apply_server_side_encryption_by_default").sse_algorithm == "aws:kms"
}
