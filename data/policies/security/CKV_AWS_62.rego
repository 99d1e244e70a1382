# CKV_AWS_62: Ensure IAM policies that allow full "*-*" administrative privileges are not created
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/IAMAdminPolicyDocument.py
package security.CKV_AWS_62

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_62",
	"title": "Ensure IAM policies that allow full \"*-*\" administrative privileges are not created",
	"severity": "HIGH",
	"resource_types": ["aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_policy", "aws_ssoadmin_permission_set_inline_policy"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/IAMAdminPolicyDocument.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some type in lib.iam_policy_types
	some r in lib.resources(type)
	some s in lib.statements(lib.iam_document(lib.after(r)))
	object.get(s, "Effect", "Allow") == "Allow"
	"*" in lib.as_list(object.get(s, "Action", ""))
	"*" in lib.as_list(object.get(s, "Resource", ""))
}
