# CKV_AWS_40: Ensure IAM policies are attached only to groups or roles (Reducing access management complexity may in-turn reduce opportunity for a principal to inadvertently receive or retain excessive privileges.)
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/IAMPolicyAttachedToGroupOrRoles.py
package security.CKV_AWS_40

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_40",
	"title": "Ensure IAM policies are attached only to groups or roles (Reducing access management complexity may in-turn reduce opportunity for a principal to inadvertently receive or retain excessive privileges.)",
	"severity": "LOW",
	"resource_types": ["aws_iam_user_policy_attachment", "aws_iam_user_policy", "aws_iam_policy_attachment"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/IAMPolicyAttachedToGroupOrRoles.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some pair in [["aws_iam_user_policy_attachment", "user"], ["aws_iam_user_policy", "user"], ["aws_iam_policy_attachment", "users"]]
	some r in lib.resources(pair[0])
	user_set(r, pair[1])
}

# any value, also one known only after apply (a reference to a user)
user_set(r, key) if lib.set_value(lib.after(r), key)

user_set(r, key) if lib.after_unknown(r)[key]
