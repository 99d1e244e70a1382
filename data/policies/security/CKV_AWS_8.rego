# CKV_AWS_8: Ensure all data stored in the Launch configuration or instance Elastic Blocks Store is securely encrypted
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/LaunchConfigurationEBSEncryption.py
package security.CKV_AWS_8

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_8",
	"title": "Ensure all data stored in the Launch configuration or instance Elastic Blocks Store is securely encrypted",
	"severity": "MEDIUM",
	"resource_types": ["aws_launch_configuration", "aws_instance"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/LaunchConfigurationEBSEncryption.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some type in ["aws_launch_configuration", "aws_instance"]
	some r in lib.resources(type)
	unencrypted(r)
}

# Checkov: no root block device fails; a device with encrypted = false and no snapshot fails; a device
# whose encryption is unset (and has no snapshot) makes the result unknown, which is no finding.
unencrypted(r) if count(object.get(lib.after(r), "root_block_device", [])) == 0

unencrypted(r) if {
	some b in array.concat(object.get(lib.after(r), "root_block_device", []), object.get(lib.after(r), "ebs_block_device", []))
	b.encrypted == false
	not lib.set_value(b, "snapshot_id")
}
