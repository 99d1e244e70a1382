# CKV_AWS_21: Ensure all data stored in the S3 bucket have versioning enabled
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/graph_checks/aws/S3BucketVersioning.yaml
package security.CKV_AWS_21

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_21",
	"title": "Ensure all data stored in the S3 bucket have versioning enabled",
	"severity": "LOW",
	"resource_types": ["aws_s3_bucket", "aws_s3_bucket_versioning"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/graph_checks/aws/S3BucketVersioning.yaml",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_s3_bucket")
	not versioned(r)
}

versioned(r) if lib.first(lib.after(r), "versioning").enabled == true

versioned(r) if {
	some c in lib.companions(r, "aws_s3_bucket_versioning", "bucket", "bucket")
	lib.first(lib.after(c), "versioning_configuration").status == "Enabled"
}
