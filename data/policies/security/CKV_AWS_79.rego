# CKV_AWS_79: Ensure Instance Metadata Service Version 1 is not enabled
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/IMDSv1Disabled.py
package security.CKV_AWS_79

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_79",
	"title": "Ensure Instance Metadata Service Version 1 is not enabled",
	"severity": "HIGH",
	"resource_types": ["aws_instance", "aws_launch_template", "aws_launch_configuration"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/IMDSv1Disabled.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some type in ["aws_instance", "aws_launch_template", "aws_launch_configuration"]
	some r in lib.resources(type)
	options := lib.first(lib.after(r), "metadata_options")
	not imds_v2(options)
}

imds_v2(options) if options.http_endpoint == "disabled"

imds_v2(options) if options.http_tokens == "required"
