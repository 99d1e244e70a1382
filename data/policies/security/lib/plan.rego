# Helpers shared by the security checks: planned resources of terraform's plan JSON
# (`terraform show -json`), their planned values, and the links between resources that Checkov's
# graph checks call connections (a companion resource whose argument refers to the resource).
package security.lib

# Managed resources of one type that the plan creates, updates or keeps (not the ones it destroys).
resources(type) := [r |
	some r in input.resource_changes
	r.mode == "managed"
	r.type == type
	r.change.actions != ["delete"]
]

# Planned values of a resource change ({} when it has none).
after(r) := a if {
	a := r.change.after
	is_object(a)
} else := {}

# Which planned values are unknown until apply ({} when none).
after_unknown(r) := u if {
	u := r.change.after_unknown
	is_object(u)
} else := {}

# The first element of a nested block (`metadata_options[0]`), {} when the block is absent.
first(obj, name) := b if {
	b := obj[name][0]
	is_object(b)
} else := {}

# The value of obj[key], or d when it is absent or null.
get(obj, key, d) := v if {
	v := obj[key]
	v != null
} else := d

# A value that is set to something (Checkov's "exists" / ANY_VALUE): not absent, null, "", [] or {}.
set_value(obj, key) if {
	v := obj[key]
	not empty(v)
}

empty(v) if v == null

empty(v) if v == ""

empty(v) if v == []

empty(v) if v == {}

# true, also as the string "true" (some provider arguments are strings)
is_true(v) if v == true

is_true(v) if v == "true"

# The address a resource has in the configuration (without instance keys), as references name it.
config_address(r) := sprintf("%s.%s.%s", [r.module_address, r.type, r.name]) if r.module_address
else := sprintf("%s.%s", [r.type, r.name])

# Configuration blocks of the root module.
config_resources := [c | some c in object.get(object.get(object.get(input, "configuration", {}), "root_module", {}), "resources", [])]

# The configuration block `c` refers to resource `r` in its argument `attr` (`bucket = aws_s3_bucket.b.id`).
refers(c, attr, r) if {
	some ref in c.expressions[attr].references
	ref == config_address(r)
}

refers(c, attr, r) if {
	some ref in c.expressions[attr].references
	startswith(ref, sprintf("%s[", [config_address(r)]))
}

# Planned resource p (of `type`) is linked to r: its `attr` refers to r, or holds the same known value
# as r's `key` (`bucket = "my-bucket"` on both).
linked(p, r, type, attr, _) if {
	not p.module_address
	some c in config_resources
	c.type == type
	c.name == p.name
	refers(c, attr, r)
}

linked(p, r, _, attr, key) if {
	v := after(p)[attr]
	is_string(v)
	v != ""
	v == after(r)[key]
}

# Companion resources of `type` attached to r through their argument `attr` (matched with r's `key`).
companions(r, type, attr, key) := [p |
	some p in resources(type)
	linked(p, r, type, attr, key)
]

# One conftest failure: the message names the check and the resource; the rest is metadata.
finding(meta, r) := {
	"msg": sprintf("%s: %s (%s)", [meta.id, meta.title, r.address]),
	"id": meta.id,
	"title": meta.title,
	"severity": meta.severity,
	"resource": r.address,
	"link": meta.link,
}

# The statements of a policy document given as a JSON string (or already decoded), [] otherwise.
statements(doc) := s if {
	is_string(doc)
	d := json.unmarshal(doc)
	s := as_list(d.Statement)
} else := s if {
	is_object(doc)
	s := as_list(doc.Statement)
} else := []

# Checkov's force_list: a single value becomes a one-element list.
as_list(v) := v if is_array(v)
else := [v]

# Resources holding an IAM policy document (CKV_AWS_62, CKV_AWS_63) and the document they hold.
iam_policy_types := ["aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_policy", "aws_ssoadmin_permission_set_inline_policy"]

iam_document(a) := a.policy if set_value(a, "policy")
else := a.inline_policy if set_value(a, "inline_policy")
else := ""
