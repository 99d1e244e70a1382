# CKV2_AWS_6: Ensure that S3 bucket has a Public Access block
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/graph_checks/aws/S3BucketHasPublicAccessBlock.yaml
package security.CKV2_AWS_6

import data.security.lib

__rego_metadata__ := {
	"id": "CKV2_AWS_6",
	"title": "Ensure that S3 bucket has a Public Access block",
	"severity": "MEDIUM",
	"resource_types": ["aws_s3_bucket", "aws_s3_bucket_public_access_block"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/graph_checks/aws/S3BucketHasPublicAccessBlock.yaml",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_s3_bucket")
	not blocked(r)
}

blocked(r) if {
	some c in lib.companions(r, "aws_s3_bucket_public_access_block", "bucket", "bucket")
	lib.after(c).block_public_acls == true
	lib.after(c).block_public_policy == true
}
