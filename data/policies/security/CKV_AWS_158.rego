# CKV_AWS_158: Ensure that CloudWatch Log Group is encrypted by KMS
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/CloudWatchLogGroupKMSKey.py
package security.CKV_AWS_158

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_158",
	"title": "Ensure that CloudWatch Log Group is encrypted by KMS",
	"severity": "MEDIUM",
	"resource_types": ["aws_cloudwatch_log_group"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/CloudWatchLogGroupKMSKey.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_cloudwatch_log_group")
	not lib.set_value(lib.after(r), "kms_key_id")
	not lib.after_unknown(r).kms_key_id
}
