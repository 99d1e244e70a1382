resourcez "terraform_data" "a" {}
