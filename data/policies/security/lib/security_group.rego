# Checkov's AbsSecurityGroupUnrestrictedIngress (CKV_AWS_24, CKV_AWS_25, CKV_AWS_260, CKV_AWS_277): does
# a security group, an `ingress` security group rule or a VPC ingress rule let the whole internet reach
# `port` (-1: every port)?
package security.lib

# Resources failing the check for `port`.
open_ingress(port) := array.concat(
	[r |
		some r in resources("aws_security_group")
		sg_open(r, port)
	],
	array.concat(
		[r |
			some r in resources("aws_security_group_rule")
			after(r).type == "ingress"
			rule_open(after(r), after_unknown(r), port)
		],
		[r |
			some r in resources("aws_vpc_security_group_ingress_rule")
			ported(after(r))
			rule_open(after(r), after_unknown(r), port)
		],
	),
)

# a VPC ingress rule is only checked when it names a port
ported(a) if a.from_port != null

ported(a) if a.to_port != null

# A security group's ingress blocks are read in order: the first one that allows itself (`self`) passes
# the group, the first violating one fails it (Checkov returns on the first of either).
sg_open(r, port) if {
	rules := object.get(after(r), "ingress", [])
	unknowns := object.get(after_unknown(r), "ingress", [])
	decisive := [i |
		some i, rule in rules
		decides(rule, element(unknowns, i), port)
	]
	count(decisive) > 0
	first_rule := rules[min(decisive)]
	not is_true(object.get(first_rule, "self", false))
}

# the i-th element of what after_unknown says about a block list ({} when nothing is unknown)
element(list, i) := u if {
	u := list[i]
	is_object(u)
} else := {}

decides(rule, _, _) if is_true(object.get(rule, "self", false))

decides(rule, unknown, port) if violates(rule, unknown, port)

rule_open(rule, unknown, port) if {
	not is_true(object.get(rule, "self", false))
	violates(rule, unknown, port)
}

to_int(v, d) := to_number(v) if v != null
else := d

from_port(rule) := to_int(object.get(rule, "from_port", null), -1)

# 0-0 means every port
to_port(rule) := 65535 if {
	from_port(rule) == 0
	to_int(object.get(rule, "to_port", null), -1) == 0
} else := to_int(object.get(rule, "to_port", null), -1)

in_range(rule, port) if {
	from_port(rule) <= port
	port <= to_port(rule)
}

in_range(rule, _) if {
	object.get(rule, "protocol", null) == "-1"
	from_port(rule) == 0
	to_port(rule) == 65535
}

ipv4(rule) := rule.cidr_blocks if set_value(rule, "cidr_blocks")
else := as_list(rule.cidr_ipv4) if set_value(rule, "cidr_ipv4")
else := []

ipv6(rule) := rule.ipv6_cidr_blocks if set_value(rule, "ipv6_cidr_blocks")
else := as_list(rule.cidr_ipv6) if set_value(rule, "cidr_ipv6")
else := []

violates(rule, unknown, port) if {
	not set_value(rule, "prefix_list_ids")
	not unknown.prefix_list_ids
	in_range(rule, port)
	world(rule, unknown)
}

world(rule, _) if "0.0.0.0/0" in ipv4(rule)

world(rule, _) if {
	some cidr in ipv6(rule)
	cidr in ["::/0", "0000:0000:0000:0000:0000:0000:0000:0000/0"]
}

# no source at all (Checkov counts it as open); a source that is unknown until apply is a source
world(rule, unknown) if {
	count(ipv4(rule)) == 0
	count(ipv6(rule)) == 0
	not set_value(rule, "security_groups")
	not set_value(rule, "source_security_group_id")
	every k in ["cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6", "security_groups", "source_security_group_id", "referenced_security_group_id", "prefix_list_id"] {
		not unknown[k]
	}
}
