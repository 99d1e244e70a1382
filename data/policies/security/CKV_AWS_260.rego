# CKV_AWS_260: Ensure no security groups allow ingress from 0.0.0.0:0 to port 80
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/SecurityGroupUnrestrictedIngress80.py
package security.CKV_AWS_260

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_260",
	"title": "Ensure no security groups allow ingress from 0.0.0.0:0 to port 80",
	"severity": "HIGH",
	"resource_types": ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/SecurityGroupUnrestrictedIngress80.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.open_ingress(80)
}
