check "empty" {
}
