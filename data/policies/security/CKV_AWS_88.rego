# CKV_AWS_88: EC2 instance should not have public IP.
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/EC2PublicIP.py
package security.CKV_AWS_88

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_88",
	"title": "EC2 instance should not have public IP.",
	"severity": "MEDIUM",
	"resource_types": ["aws_instance", "aws_launch_template"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/EC2PublicIP.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in public(lib.resources("aws_instance"), lib.resources("aws_launch_template"))
}

public(instances, templates) := array.concat(
	[r | some r in instances; lib.is_true(lib.after(r).associate_public_ip_address)],
	[r | some r in templates; lib.is_true(lib.first(lib.after(r), "network_interfaces").associate_public_ip_address)],
)
