# CKV_AWS_91: Ensure the ELBv2 (Application/Network) has access logging enabled
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/ELBv2AccessLogs.py
package security.CKV_AWS_91

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_91",
	"title": "Ensure the ELBv2 (Application/Network) has access logging enabled",
	"severity": "LOW",
	"resource_types": ["aws_lb", "aws_alb"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/ELBv2AccessLogs.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some type in ["aws_lb", "aws_alb"]
	some r in lib.resources(type)
	lib.get(lib.after(r), "load_balancer_type", "") != "gateway"
	not lib.is_true(lib.first(lib.after(r), "access_logs").enabled)
}
