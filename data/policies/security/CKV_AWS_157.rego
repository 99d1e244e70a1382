# CKV_AWS_157: Ensure that RDS instances have Multi-AZ enabled
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/RDSMultiAZEnabled.py
package security.CKV_AWS_157

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_157",
	"title": "Ensure that RDS instances have Multi-AZ enabled",
	"severity": "LOW",
	"resource_types": ["aws_db_instance"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/RDSMultiAZEnabled.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_db_instance")
	not lib.is_true(lib.get(lib.after(r), "multi_az", false))
}
