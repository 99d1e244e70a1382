output "o" {
  value = file(<<-EOT
    nope.txt
  EOT
  )
}
