# CKV_AWS_53: Ensure S3 bucket has block public ACLS enabled
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/S3BlockPublicACLs.py
package security.CKV_AWS_53

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_53",
	"title": "Ensure S3 bucket has block public ACLS enabled",
	"severity": "HIGH",
	"resource_types": ["aws_s3_bucket_public_access_block"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/S3BlockPublicACLs.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_s3_bucket_public_access_block")
	not lib.is_true(lib.get(lib.after(r), "block_public_acls", false))
}
