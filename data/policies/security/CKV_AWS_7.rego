# CKV_AWS_7: Ensure rotation for customer created CMKs is enabled
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/KMSRotation.py
package security.CKV_AWS_7

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_7",
	"title": "Ensure rotation for customer created CMKs is enabled",
	"severity": "MEDIUM",
	"resource_types": ["aws_kms_key"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/KMSRotation.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_kms_key")
	symmetric(lib.get(lib.after(r), "customer_master_key_spec", ""))
	not lib.is_true(lib.get(lib.after(r), "enable_key_rotation", false))
}

# rotation is only possible (and checked) for symmetric and HMAC keys
symmetric(spec) if spec == ""

symmetric(spec) if contains(spec, "SYMMETRIC_DEFAULT")

symmetric(spec) if contains(spec, "HMAC")
