resource "terraform_data" "bool" {
  count = true
}
resource "terraform_data" "frac" {
  count = 1.5
}
resource "terraform_data" "str" {
  count = "3"
}
resource "terraform_data" "nul" {
  count = null
}
resource "terraform_data" "list" {
  count = [1]
}
