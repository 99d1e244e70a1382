# CKV_AWS_17: Ensure all data stored in RDS is not publicly accessible
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/RDSPubliclyAccessible.py
package security.CKV_AWS_17

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_17",
	"title": "Ensure all data stored in RDS is not publicly accessible",
	"severity": "HIGH",
	"resource_types": ["aws_db_instance", "aws_rds_cluster_instance"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/RDSPubliclyAccessible.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some type in ["aws_db_instance", "aws_rds_cluster_instance"]
	some r in lib.resources(type)
	lib.is_true(lib.after(r).publicly_accessible)
}
