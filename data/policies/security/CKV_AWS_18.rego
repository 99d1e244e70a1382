# CKV_AWS_18: Ensure the S3 bucket has access logging enabled
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/graph_checks/aws/S3BucketLogging.yaml
package security.CKV_AWS_18

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_18",
	"title": "Ensure the S3 bucket has access logging enabled",
	"severity": "LOW",
	"resource_types": ["aws_s3_bucket", "aws_s3_bucket_logging"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/graph_checks/aws/S3BucketLogging.yaml",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_s3_bucket")
	not lib.set_value(lib.after(r), "logging")
	count(lib.companions(r, "aws_s3_bucket_logging", "bucket", "bucket")) == 0
}
