# CKV2_AWS_11: Ensure VPC flow logging is enabled in all VPCs
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/graph_checks/aws/VPCHasFlowLog.yaml
package security.CKV2_AWS_11

import data.security.lib

__rego_metadata__ := {
	"id": "CKV2_AWS_11",
	"title": "Ensure VPC flow logging is enabled in all VPCs",
	"severity": "LOW",
	"resource_types": ["aws_vpc", "aws_flow_log"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/graph_checks/aws/VPCHasFlowLog.yaml",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_vpc")
	count(lib.companions(r, "aws_flow_log", "vpc_id", "id")) == 0
}
