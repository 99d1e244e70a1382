# CKV_AWS_26: Ensure all data stored in the SNS topic is encrypted
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/SNSTopicEncryption.py
package security.CKV_AWS_26

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_26",
	"title": "Ensure all data stored in the SNS topic is encrypted",
	"severity": "MEDIUM",
	"resource_types": ["aws_sns_topic"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/SNSTopicEncryption.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_sns_topic")
	not lib.set_value(lib.after(r), "kms_master_key_id")
	not lib.after_unknown(r).kms_master_key_id
}
