# CKV_AWS_67: Ensure CloudTrail is enabled in all Regions
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/CloudtrailMultiRegion.py
package security.CKV_AWS_67

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_67",
	"title": "Ensure CloudTrail is enabled in all Regions",
	"severity": "MEDIUM",
	"resource_types": ["aws_cloudtrail"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/CloudtrailMultiRegion.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_cloudtrail")
	not lib.is_true(lib.get(lib.after(r), "is_multi_region_trail", false))
}
