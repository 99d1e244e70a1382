# CKV_AWS_129: Ensure that respective logs of Amazon Relational Database Service (Amazon RDS) are enabled
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/DBInstanceLogging.py
package security.CKV_AWS_129

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_129",
	"title": "Ensure that respective logs of Amazon Relational Database Service (Amazon RDS) are enabled",
	"severity": "LOW",
	"resource_types": ["aws_db_instance"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/DBInstanceLogging.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_db_instance")
	not lib.set_value(lib.after(r), "enabled_cloudwatch_logs_exports")
}
