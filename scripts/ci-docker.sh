#!/usr/bin/env bash
# Makes a Docker engine available for the sandbox tests and builds their image. Idempotent:
#   1. installs Debian's docker.io (engine + client) and busybox-static when missing (after apt-get update)
#   2. starts dockerd in the background when no engine answers, with options that work on machines
#      like ours (see below), and waits for it
#   3. builds the test image (docker/test-image/build.sh: busybox rootfs + terraform TEST DOUBLE)
# Exits non-zero with a message saying which step failed.
#
# What we found on the CI kind of machine (Debian 12, cgroup v1, root, no systemd as PID 1):
#   - `apt-get install docker.io` works; the docker.service unit does not start (no systemd), so
#     dockerd is started by hand; it starts its own containerd.
#   - overlay2 works on the ext4 work disk; vfs is the fallback when it does not.
#   - iptables works; where it does not, dockerd needs --iptables=false (containers here run with
#     NetworkMode none anyway).
set -euo pipefail

LOG="${TFPAIRS_DOCKERD_LOG:-/tmp/tfpairs-dockerd.log}"
SOCKET=/var/run/docker.sock
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

say() { echo "ci-docker: $*"; }
die() { echo "ci-docker: FAILED: $*" >&2; exit 1; }

engine_up() { timeout 10 docker info >/dev/null 2>&1; }

# --- 1. packages -------------------------------------------------------------------------------
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  $SUDO apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed"
fi
command -v docker >/dev/null 2>&1 || die "no docker client after installing docker.io"

# --- 2. engine ---------------------------------------------------------------------------------
start_dockerd() {
  say "starting dockerd $* (log: $LOG)"
  # shellcheck disable=SC2086
  $SUDO nohup dockerd --host="unix://$SOCKET" "$@" >>"$LOG" 2>&1 &
  for _ in $(seq 1 60); do
    if engine_up; then return 0; fi
    # gave up already? (e.g. unusable storage driver)
    if ! $SUDO pgrep -x dockerd >/dev/null 2>&1; then return 1; fi
    sleep 1
  done
  return 1
}

stop_dockerd() {
  local pid
  pid="$($SUDO pgrep -x dockerd || true)"
  [ -n "$pid" ] || return 0
  $SUDO kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do $SUDO kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
}

if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST}" != "unix://$SOCKET" ]; then
  engine_up || die "DOCKER_HOST=$DOCKER_HOST is set but no engine answers there"
  say "using the engine at DOCKER_HOST=$DOCKER_HOST"
elif engine_up; then
  say "engine already running"
else
  if $SUDO pgrep -x dockerd >/dev/null 2>&1; then
    say "a dockerd process exists but does not answer; waiting"
    for _ in $(seq 1 30); do engine_up && break; sleep 1; done
  fi
  if ! engine_up; then
    args=()
    if ! $SUDO iptables -nL >/dev/null 2>&1; then
      say "iptables unusable here: dockerd runs with --iptables=false"
      args+=(--iptables=false)
    fi
    if ! start_dockerd "${args[@]}"; then
      tail -n 20 "$LOG" >&2 || true
      stop_dockerd
      say "retrying with --storage-driver=vfs"
      start_dockerd "${args[@]}" --storage-driver=vfs || {
        tail -n 30 "$LOG" >&2 || true
        die "dockerd did not come up (log: $LOG)"
      }
    fi
  fi
fi
engine_up || die "no Docker engine reachable"
say "engine: $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null), storage $(docker info --format '{{.Driver}}' 2>/dev/null)"

# --- 3. test image -----------------------------------------------------------------------------
"$HERE/docker/test-image/build.sh" || die "building the sandbox test image failed"
say "ready"
