# CKV_AWS_23: Ensure every security group and rule has a description
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/SecurityGroupRuleDescription.py
package security.CKV_AWS_23

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_23",
	"title": "Ensure every security group and rule has a description",
	"severity": "LOW",
	"resource_types": ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_egress_rule", "aws_vpc_security_group_ingress_rule"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/SecurityGroupRuleDescription.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some type in ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_egress_rule", "aws_vpc_security_group_ingress_rule"]
	some r in lib.resources(type)
	undescribed(r)
}

undescribed(r) if not lib.set_value(lib.after(r), "description")

undescribed(r) if {
	some kind in ["ingress", "egress"]
	some rule in object.get(lib.after(r), kind, [])
	not lib.set_value(rule, "description")
}
