output "o" {
  value = module.nope.x
}
