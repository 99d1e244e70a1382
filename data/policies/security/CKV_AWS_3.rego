# CKV_AWS_3: Ensure all data stored in the EBS is securely encrypted
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/EBSEncryption.py
package security.CKV_AWS_3

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_3",
	"title": "Ensure all data stored in the EBS is securely encrypted",
	"severity": "MEDIUM",
	"resource_types": ["aws_ebs_volume"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/EBSEncryption.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_ebs_volume")
	not lib.is_true(lib.get(lib.after(r), "encrypted", false))
}
