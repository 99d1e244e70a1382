# CKV_AWS_130: Ensure VPC subnets do not assign public IP by default
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/SubnetPublicIP.py
package security.CKV_AWS_130

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_130",
	"title": "Ensure VPC subnets do not assign public IP by default",
	"severity": "MEDIUM",
	"resource_types": ["aws_subnet"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/SubnetPublicIP.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_subnet")
	lib.is_true(lib.after(r).map_public_ip_on_launch)
}
