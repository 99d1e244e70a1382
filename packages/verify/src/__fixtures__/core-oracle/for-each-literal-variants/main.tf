resource "terraform_data" "str" {
  for_each = "abc"
}
resource "terraform_data" "num" {
  for_each = 1
}
resource "terraform_data" "empty" {
  for_each = []
}
resource "terraform_data" "map" {
  for_each = { a = 1 }
}
resource "terraform_data" "emptymap" {
  for_each = {}
}
resource "terraform_data" "nul" {
  for_each = null
}
