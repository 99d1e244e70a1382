resource "terraform_data" "neg" {
  count = -1
}
