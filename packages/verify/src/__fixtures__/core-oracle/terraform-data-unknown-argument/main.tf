resource "terraform_data" "a" {
  foo = 1
}
