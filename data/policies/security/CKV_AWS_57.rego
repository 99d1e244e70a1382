# CKV_AWS_57: S3 Bucket has an ACL defined which allows public WRITE access.
# Checkov's check, on terraform's plan JSON (resource_changes[].change.after, configuration):
# https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/graph_checks/aws/S3PublicACLWrite.yaml
package security.CKV_AWS_57

import data.security.lib

__rego_metadata__ := {
	"id": "CKV_AWS_57",
	"title": "S3 Bucket has an ACL defined which allows public WRITE access.",
	"severity": "HIGH",
	"resource_types": ["aws_s3_bucket", "aws_s3_bucket_acl"],
	"link": "https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/graph_checks/aws/S3PublicACLWrite.yaml",
}

deny contains lib.finding(__rego_metadata__, r) if {
	some r in lib.resources("aws_s3_bucket")
	not acl_ok(r)
}

all_users := "http://acs.amazonaws.com/groups/global/AllUsers"

acl_ok(r) if {
	lib.set_value(lib.after(r), "acl")
	lib.after(r).acl != "public-read-write"
}

acl_ok(r) if {
	some c in lib.companions(r, "aws_s3_bucket_acl", "bucket", "bucket")
	companion_ok(lib.after(c))
}

acl_ok(r) if {
	not lib.set_value(lib.after(r), "acl")
	count(lib.companions(r, "aws_s3_bucket_acl", "bucket", "bucket")) == 0
}

companion_ok(a) if {
	lib.set_value(a, "acl")
	a.acl != "public-read-write"
}

companion_ok(a) if {
	policy := lib.first(a, "access_control_policy")
	policy != {}
	not grants_all_users_write(policy)
}

grants_all_users_write(policy) if {
	some g in policy.grant
	lib.first(g, "grantee").uri == all_users
	g.permission in {"WRITE", "FULL_CONTROL", "WRITE_ACP"}
}
