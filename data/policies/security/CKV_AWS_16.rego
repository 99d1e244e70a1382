# CKV_AWS_16: Ensure all data stored in the RDS is securely encrypted at rest
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/RDSEncryption.py
package security.CKV_AWS_16

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_16",
	"title": "Ensure all data stored in the RDS is securely encrypted at rest",
	"severity": "MEDIUM",
	"resource_types": ["aws_db_instance"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/RDSEncryption.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_db_instance")
	not lib.is_true(lib.get(lib.after(r), "storage_encrypted", false))
}
