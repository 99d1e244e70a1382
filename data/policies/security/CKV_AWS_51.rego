# CKV_AWS_51: Ensure ECR Image Tags are immutable
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/ECRImmutableTags.py
package security.CKV_AWS_51

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_51",
	"title": "Ensure ECR Image Tags are immutable",
	"severity": "LOW",
	"resource_types": ["aws_ecr_repository"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/ECRImmutableTags.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_ecr_repository")
	lib.get(lib.after(r), "image_tag_mutability", "") != "IMMUTABLE"
}
