# CKV_AWS_66: Ensure that CloudWatch Log Group specifies retention days
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/CloudWatchLogGroupRetention.py
package security.CKV_AWS_66

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_66",
	"title": "Ensure that CloudWatch Log Group specifies retention days",
	"severity": "LOW",
	"resource_types": ["aws_cloudwatch_log_group"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/CloudWatchLogGroupRetention.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_cloudwatch_log_group")
	lib.get(lib.after(r), "retention_in_days", null) == null
}
