# CKV_AWS_338: Ensure CloudWatch log groups retains logs for at least 1 year
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/CloudWatchLogGroupRetentionYear.py
package security.CKV_AWS_338

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_338",
	"title": "Ensure CloudWatch log groups retains logs for at least 1 year",
	"severity": "LOW",
	"resource_types": ["aws_cloudwatch_log_group"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/CloudWatchLogGroupRetentionYear.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_cloudwatch_log_group")
	not year(lib.get(lib.after(r), "retention_in_days", null))
}

year(days) if days == 0

year(days) if {
	is_number(days)
	days >= 365
}
