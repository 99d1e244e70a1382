output "o" {
  value = "${path.module}/x-${terraform.workspace}"
}
