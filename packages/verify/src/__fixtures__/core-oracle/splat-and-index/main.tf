resource "terraform_data" "a" {
  count = 2
}
output "ids" {
  value = terraform_data.a[*].id
}
output "first" {
  value = terraform_data.a[0].output
}
output "bad" {
  value = terraform_data.a[0].nope
}
