# CKV_AWS_27: Ensure all data stored in the SQS queue is encrypted
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/SQSQueueEncryption.py
package security.CKV_AWS_27

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_27",
	"title": "Ensure all data stored in the SQS queue is encrypted",
	"severity": "MEDIUM",
	"resource_types": ["aws_sqs_queue"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/SQSQueueEncryption.py",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_sqs_queue")
	not lib.is_true(lib.get(lib.after(r), "sqs_managed_sse_enabled", false))
	not lib.set_value(lib.after(r), "kms_master_key_id")
	not lib.after_unknown(r).kms_master_key_id
}
