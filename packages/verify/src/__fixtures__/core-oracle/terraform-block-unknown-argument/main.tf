terraform {
  foo = "bar"
}
