# CKV_AWS_39: Ensure Amazon EKS public endpoint disabled
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/EKSPublicAccess.py
package security.CKV_AWS_39

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_39",
	"title": "Ensure Amazon EKS public endpoint disabled",
	"severity": "MEDIUM",
	"resource_types": ["aws_eks_cluster"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/EKSPublicAccess.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_eks_cluster")
	lib.get(lib.first(lib.after(r), "vpc_config"), "endpoint_public_access", null) != false
}
