# CKV_AWS_118: Ensure that enhanced monitoring is enabled for Amazon RDS instances
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/RDSEnhancedMonitorEnabled.py
package security.CKV_AWS_118

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_118",
	"title": "Ensure that enhanced monitoring is enabled for Amazon RDS instances",
	"severity": "LOW",
	"resource_types": ["aws_db_instance", "aws_rds_cluster_instance"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/RDSEnhancedMonitorEnabled.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some type in ["aws_db_instance", "aws_rds_cluster_instance"]
	some r in lib.resources(type)
	not lib.get(lib.after(r), "monitoring_interval", 0) in {1, 5, 10, 15, 30, 60}
}
