# CKV_AWS_56: Ensure S3 bucket has 'restrict_public_buckets' enabled
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/S3RestrictPublicBuckets.py
package security.CKV_AWS_56

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_56",
	"title": "Ensure S3 bucket has 'restrict_public_buckets' enabled",
	"severity": "HIGH",
	"resource_types": ["aws_s3_bucket_public_access_block"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/S3RestrictPublicBuckets.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_s3_bucket_public_access_block")
	not lib.is_true(lib.get(lib.after(r), "restrict_public_buckets", false))
}
