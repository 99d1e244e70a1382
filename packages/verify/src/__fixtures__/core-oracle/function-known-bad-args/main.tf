output "a" {
  value = tonumber("abc")
}
output "b" {
  value = element([], 0)
}
output "c" {
  value = jsondecode("{")
}
