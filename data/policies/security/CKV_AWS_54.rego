# CKV_AWS_54: Ensure S3 bucket has block public policy enabled
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/S3BlockPublicPolicy.py
package security.CKV_AWS_54

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_54",
	"title": "Ensure S3 bucket has block public policy enabled",
	"severity": "HIGH",
	"resource_types": ["aws_s3_bucket_public_access_block"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/S3BlockPublicPolicy.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_s3_bucket_public_access_block")
	not lib.is_true(lib.get(lib.after(r), "block_public_policy", false))
}
