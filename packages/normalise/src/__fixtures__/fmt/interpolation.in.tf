top = "${var.top}"
resource "null_resource" "n" {
  strip = "${~ var.x ~}"
  nested_quotes = "${format("%s-%s", "${var.a}", var.b)}"
  literal_inside = "${"plain"}"
  directive = "${var.a}%{if var.b}x%{endif}"
  prefixed = "pre-${var.x}"
  suffixed = "${var.x} "
  two = "${var.x}${var.y}"
  object = { key = "${var.v}" }
  list = ["${var.v}"]
  indexed = "${var.list}"[0]
  spread = "${
    var.single
  }"
  already_parenthesised = "${(var.a ?
    var.b : var.c)}"
  needs_parens = "${var.a ?
    var.b : var.c}"
  trailing_comment = "${var.c # why
  }"
  heredoc_with_interp = "${<<EOT
${var.x}
EOT
}"
  escaped = "$${not.interp}"
}
