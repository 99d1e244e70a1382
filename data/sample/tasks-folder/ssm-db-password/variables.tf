variable "db_password" {
  description = "Database password for the billing service"
  type        = string
  sensitive   = true
}
