resource "terraform_data" "a" {}
output "o" {
  value = terraform_data.a[0].id
}
