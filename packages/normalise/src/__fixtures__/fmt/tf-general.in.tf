# Derived from terraform's TestFmt case "general" (internal/command/testdata/fmt/general_in.tf):
# the same constructs with other names.

terraform {
required_providers {
acme = { version = "1.2.0" }
widgets = {
            version = "3.0.0"
}
}
}

variable region {

}

resource acme_server web {
  size = "${var.size}"
}

resource acme_server "db" {
    size = "${var.size}-large"
}

resource "acme_server" /* note */ "cache" {
  size = "${var.size}${var.suffix}"

  disk root {}
  disk data {
    kind = "${var.kind}"
  }
}

  provider "" {
}

locals {
  label = "${startswith(var.env, "p") ? "${var.env}-prod" :
    startswith(var.env, "s") ? "stage-${var.env}" :
  file("unknown env ${var.env}")}"
  grouped = "${(var.a == null ? 1 :
    var.b == null ? 2 :
  3)}"
}
