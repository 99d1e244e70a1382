# CKV_AWS_55: Ensure S3 bucket has ignore public ACLs enabled
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/S3IgnorePublicACLs.py
package security.CKV_AWS_55

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_55",
	"title": "Ensure S3 bucket has ignore public ACLs enabled",
	"severity": "HIGH",
	"resource_types": ["aws_s3_bucket_public_access_block"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/S3IgnorePublicACLs.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_s3_bucket_public_access_block")
	not lib.is_true(lib.get(lib.after(r), "ignore_public_acls", false))
}
