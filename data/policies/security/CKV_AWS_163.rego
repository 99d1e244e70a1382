# CKV_AWS_163: Ensure ECR image scanning on push is enabled
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/ECRImageScanning.py
package security.CKV_AWS_163

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_163",
	"title": "Ensure ECR image scanning on push is enabled",
	"severity": "LOW",
	"resource_types": ["aws_ecr_repository"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/ECRImageScanning.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_ecr_repository")
	not lib.is_true(lib.first(lib.after(r), "image_scanning_configuration").scan_on_push)
}
