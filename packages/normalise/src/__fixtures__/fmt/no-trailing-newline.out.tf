region = "us-east-1"
count  = 3
list   = ["${var.a}"]