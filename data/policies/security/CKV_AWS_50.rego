# CKV_AWS_50: X-Ray tracing is enabled for Lambda
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/LambdaXrayEnabled.py
package security.CKV_AWS_50

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_50",
	"title": "X-Ray tracing is enabled for Lambda",
	"severity": "LOW",
	"resource_types": ["aws_lambda_function"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/LambdaXrayEnabled.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_lambda_function")
	not lib.first(lib.after(r), "tracing_config").mode in {"PassThrough", "Active"}
}
