# CKV_AWS_133: Ensure that RDS instances has backup policy
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/DBInstanceBackupRetentionPeriod.py
package security.CKV_AWS_133

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_133",
	"title": "Ensure that RDS instances has backup policy",
	"severity": "LOW",
	"resource_types": ["aws_rds_cluster", "aws_db_instance"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/DBInstanceBackupRetentionPeriod.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some type in ["aws_rds_cluster", "aws_db_instance"]
	some r in lib.resources(type)
	period := lib.after(r).backup_retention_period
	period != null
	not retained(period)
}

# unset passes (Checkov); set, it must be 1 to 35 days
retained(period) if {
	is_number(period)
	period > 0
	period <= 35
}
