# CKV_AWS_126: Ensure that detailed monitoring is enabled for EC2 instances
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/EC2DetailedMonitoringEnabled.py
package security.CKV_AWS_126

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_126",
	"title": "Ensure that detailed monitoring is enabled for EC2 instances",
	"severity": "LOW",
	"resource_types": ["aws_instance"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/EC2DetailedMonitoringEnabled.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_instance")
	not lib.is_true(lib.get(lib.after(r), "monitoring", false))
}
