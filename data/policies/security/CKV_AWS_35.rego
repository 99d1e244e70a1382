# CKV_AWS_35: Ensure CloudTrail logs are encrypted at rest using KMS CMKs
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/CloudtrailEncryptionWithCMK.py
package security.CKV_AWS_35

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_35",
	"title": "Ensure CloudTrail logs are encrypted at rest using KMS CMKs",
	"severity": "MEDIUM",
	"resource_types": ["aws_cloudtrail"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/CloudtrailEncryptionWithCMK.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_cloudtrail")
	not lib.set_value(lib.after(r), "kms_key_id")
	not lib.after_unknown(r).kms_key_id
}
