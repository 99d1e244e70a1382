# CKV_AWS_58: Ensure EKS Cluster has Secrets Encryption Enabled
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/EKSSecretsEncryption.py
package security.CKV_AWS_58

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_58",
	"title": "Ensure EKS Cluster has Secrets Encryption Enabled",
	"severity": "MEDIUM",
	"resource_types": ["aws_eks_cluster"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/EKSSecretsEncryption.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_eks_cluster")
	lib.get(lib.first(lib.after(r), "encryption_config"), "resources", []) != ["secrets"]
}
