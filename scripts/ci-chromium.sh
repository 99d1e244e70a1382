#!/bin/sh
# Installs Debian's chromium for the headless report test (test/report-browser.test.ts).
# Never downloads a browser from anywhere but the distribution's package archive.
set -eu
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# another apt run (CI image setup, a parallel job) may hold the dpkg lock: wait for it instead of failing
$SUDO apt-get -o DPkg::Lock::Timeout=600 update
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends chromium fonts-dejavu-core
