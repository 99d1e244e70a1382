variable "instance_id" {
  description = "ID of the EC2 instance to watch"
  type        = string
}

variable "cpu_threshold" {
  description = "Average CPU utilisation (percent) above which the alarm fires"
  type        = number
  default     = 80
}
