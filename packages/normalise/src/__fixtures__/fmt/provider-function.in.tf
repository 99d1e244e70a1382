output "arn" {
  value = provider::aws::arn_parse( var.arn ).account_id
  x = 1
}
