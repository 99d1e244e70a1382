resource "terraform_data" "c" {
  count = 2
  input = count.index
}
resource "terraform_data" "e" {
  for_each = toset(["a", "b"])
  input    = "${each.key}=${each.value}"
}
output "paths" {
  value = [path.module, path.root, path.cwd]
}
