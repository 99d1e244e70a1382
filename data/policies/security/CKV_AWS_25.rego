# CKV_AWS_25: Ensure no security groups allow ingress from 0.0.0.0:0 to port 3389
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/SecurityGroupUnrestrictedIngress3389.py
package security.CKV_AWS_25

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_25",
	"title": "Ensure no security groups allow ingress from 0.0.0.0:0 to port 3389",
	"severity": "HIGH",
	"resource_types": ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/SecurityGroupUnrestrictedIngress3389.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.open_ingress(3389)
}
