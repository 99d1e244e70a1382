locals {
  words   = ["alpha", "beta", "gamma"]
  cidr    = "10.0.0.0/16"
  subnets = [for i in range(3) : cidrsubnet(local.cidr, 8, i)]
  joined  = join(",", local.words)
  upper   = [for w in local.words : upper(w)]
  lookup  = lookup({ a = "1", b = "2" }, "b", "none")
  json    = jsonencode({ list = local.words, n = 1 })
  decoded = jsondecode("{\"k\": [1, 2]}")
  fmt     = format("%s-%03d", "id", 7)
  len     = length(local.words)
  concat  = concat(local.words, ["delta"])
  set     = toset(["b", "a", "b"])
  ternary = length(local.words) > 2 ? "many" : "few"
  slice   = slice(local.words, 0, 2)
  keys    = keys({ z = 1, y = 2 })
  replace = replace("a-b-c", "-", "_")
  coal    = coalesce("", "fallback")
  b64     = base64encode("hello")
  minmax  = [min(3, 1, 2), max(3, 1, 2)]
  split   = split(",", "x,y,z")
  stamp   = timestamp()
  uuid    = uuid()
}

resource "terraform_data" "f" {
  input = {
    subnets = local.subnets
    joined  = local.joined
    upper   = local.upper
    lookup  = local.lookup
    json    = local.json
    decoded = local.decoded
    fmt     = local.fmt
    len     = local.len
    concat  = local.concat
    set     = local.set
    ternary = local.ternary
    slice   = local.slice
    keys    = local.keys
    replace = local.replace
    coal    = local.coal
    b64     = local.b64
    minmax  = local.minmax
    split   = local.split
  }
}

resource "terraform_data" "unknown_fn" {
  input = {
    stamp = local.stamp
    uuid  = local.uuid
    fixed = "known"
  }
}

output "subnets" {
  value = local.subnets
}

output "stamp" {
  value = local.stamp
}
