# terraform CLI configuration of the sandbox image: providers come only from the baked mirror, so
# `terraform init` never needs a registry (the sandbox has no network at all). `init -plugin-dir`
# (tfpairs --sandbox-plugin-dir) replaces this with a mounted mirror.
provider_installation {
  filesystem_mirror {
    path    = "/opt/terraform/providers"
    include = ["registry.terraform.io/*/*"]
  }
}
disable_checkpoint = true
