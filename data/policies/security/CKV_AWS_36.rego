# CKV_AWS_36: Ensure CloudTrail log file validation is enabled
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/CloudtrailLogValidation.py
package security.CKV_AWS_36

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_36",
	"title": "Ensure CloudTrail log file validation is enabled",
	"severity": "MEDIUM",
	"resource_types": ["aws_cloudtrail"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/CloudtrailLogValidation.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_cloudtrail")
	not lib.is_true(lib.get(lib.after(r), "enable_log_file_validation", false))
}
