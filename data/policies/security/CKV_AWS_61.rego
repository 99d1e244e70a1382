# CKV_AWS_61: Ensure AWS IAM policy does not allow assume role permission across all services
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/IAMRoleAllowAssumeFromAccount.py
package security.CKV_AWS_61

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_61",
	"title": "Ensure AWS IAM policy does not allow assume role permission across all services",
	"severity": "HIGH",
	"resource_types": ["aws_iam_role"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/IAMRoleAllowAssumeFromAccount.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_iam_role")
	some s in lib.statements(lib.get(lib.after(r), "assume_role_policy", ""))
	object.get(s, "Effect", "") != "Deny"
	some p in lib.as_list(s.Principal.AWS)
	is_string(p)
	regex.match(`^(\d{12}|arn:aws:iam::\d{12}:root)`, p)
}
