# Providers baked into the production sandbox image (docker/Dockerfile). Keep the versions equal to
# the ones you want tfpairs measured against (`tfpairs fidelity`); the embedded verifier's bundled
# schemas are AWS 6.25.0 and 5.100.0 (data/schemas).
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "6.25.0"
    }
  }
}
