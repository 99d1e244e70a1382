# CKV_AWS_28: Ensure DynamoDB point in time recovery (backup) is enabled
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/DynamodbRecovery.py
package security.CKV_AWS_28

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_28",
	"title": "Ensure DynamoDB point in time recovery (backup) is enabled",
	"severity": "LOW",
	"resource_types": ["aws_dynamodb_table"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/DynamodbRecovery.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_dynamodb_table")
	not lib.is_true(lib.first(lib.after(r), "point_in_time_recovery").enabled)
}
