resource "terraform_data" "a" {
  count = "two"
}
