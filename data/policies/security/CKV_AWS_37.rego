# CKV_AWS_37: Ensure Amazon EKS control plane logging is enabled for all log types
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/EKSControlPlaneLogging.py
package security.CKV_AWS_37

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_37",
	"title": "Ensure Amazon EKS control plane logging is enabled for all log types",
	"severity": "LOW",
	"resource_types": ["aws_eks_cluster"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/EKSControlPlaneLogging.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_eks_cluster")
	enabled := lib.get(lib.after(r), "enabled_cluster_log_types", [])
	some t in ["api", "audit", "authenticator", "controllerManager", "scheduler"]
	not t in enabled
}
