# CKV_AWS_63: Ensure no IAM policies documents allow "*" as a statement's actions
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/IAMStarActionPolicyDocument.py
package security.CKV_AWS_63

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_63",
	"title": "Ensure no IAM policies documents allow \"*\" as a statement's actions",
	"severity": "HIGH",
	"resource_types": ["aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_policy", "aws_ssoadmin_permission_set_inline_policy"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/IAMStarActionPolicyDocument.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some type in lib.iam_policy_types
	some r in lib.resources(type)
	some s in lib.statements(lib.iam_document(lib.after(r)))
	s.Action
	object.get(s, "Effect", "Allow") == "Allow"
	"*" in lib.as_list(s.Action)
}
