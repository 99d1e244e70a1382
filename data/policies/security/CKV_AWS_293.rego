# CKV_AWS_293: Ensure that AWS database instances have deletion protection enabled
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/RDSInstanceDeletionProtection.py
package security.CKV_AWS_293

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_293",
	"title": "Ensure that AWS database instances have deletion protection enabled",
	"severity": "LOW",
	"resource_types": ["aws_db_instance"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/RDSInstanceDeletionProtection.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_db_instance")
	not lib.is_true(lib.get(lib.after(r), "deletion_protection", false))
}
