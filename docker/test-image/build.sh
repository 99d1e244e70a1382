#!/usr/bin/env bash
# Builds the sandbox TEST image locally, without any container registry:
#   a root filesystem of Debian's statically linked busybox (package busybox-static), the terraform
#   TEST DOUBLE (terraform-double.sh, NOT terraform) as /usr/local/bin/terraform, the recorded
#   `terraform validate -json` outputs it replays, and a non-root user 10001 -> `docker import`.
# Idempotent: the image carries a hash of its inputs as a label and is rebuilt only when they change.
#
# usage: docker/test-image/build.sh [IMAGE]      (default tfpairs/terraform-double:test)
set -euo pipefail

IMAGE="${1:-${TFPAIRS_SANDBOX_TEST_IMAGE:-tfpairs/terraform-double:test}}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUSYBOX="${BUSYBOX:-/bin/busybox}"

die() { echo "docker/test-image/build.sh: $*" >&2; exit 1; }

command -v docker >/dev/null || die "no docker client on PATH (install Debian's docker.io)"
docker info >/dev/null 2>&1 || die "no Docker engine reachable (DOCKER_HOST=${DOCKER_HOST:-unset}); start dockerd first (scripts/ci-docker.sh)"
[ -x "$BUSYBOX" ] || die "$BUSYBOX missing: apt-get install -y busybox-static"
file_type="$(od -An -c -N4 "$BUSYBOX" | tr -d ' ')"
[ "$file_type" = "177ELF" ] || die "$BUSYBOX is not an ELF binary"
if command -v ldd >/dev/null && ldd "$BUSYBOX" 2>&1 | grep -q '=>'; then
  die "$BUSYBOX is dynamically linked; the image has no libc (install busybox-static)"
fi

hash="$(cat "$BUSYBOX" "$HERE/terraform-double.sh" "$HERE/build.sh" "$HERE"/replays/*.json | sha256sum | cut -c1-16)"
current="$(docker image inspect -f '{{ index .Config.Labels "tfpairs.inputs" }}' "$IMAGE" 2>/dev/null || true)"
previous_id="$(docker image inspect -f '{{ .Id }}' "$IMAGE" 2>/dev/null || true)"
if [ "$current" = "$hash" ]; then
  echo "docker/test-image/build.sh: $IMAGE is up to date ($hash)"
  exit 0
fi

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,etc,tmp,work,usr/local/bin,opt/tfpairs-double/replays,opt/tfpairs/plugins,opt/terraform/providers}
# mktemp -d makes the image's / 0700: with the vfs storage driver that mode is the container's /,
# and the non-root user could not even reach /sbin/docker-init (overlay2 hides the problem)
chmod 0755 "$root" "$root/sbin"
chmod 1777 "$root/tmp"
cp "$BUSYBOX" "$root/bin/busybox"
for applet in $("$BUSYBOX" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
install -m 0755 "$HERE/terraform-double.sh" "$root/usr/local/bin/terraform"
install -m 0644 "$HERE"/replays/*.json "$root/opt/tfpairs-double/replays/"
printf 'root:x:0:0:root:/root:/bin/sh\nterraform:x:10001:10001:sandbox:/work:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nterraform:x:10001:\nnogroup:x:65534:\n' >"$root/etc/group"
printf 'TERRAFORM TEST DOUBLE image built by docker/test-image/build.sh: /usr/local/bin/terraform is NOT terraform.\n' >"$root/etc/tfpairs-test-image"

tar --numeric-owner --owner=0 --group=0 -C "$root" -c . |
  docker import \
    --change 'USER 10001:10001' \
    --change 'WORKDIR /work' \
    --change 'ENV PATH=/usr/local/bin:/bin' \
    --change 'ENTRYPOINT ["/usr/local/bin/terraform"]' \
    --change "LABEL tfpairs.inputs=$hash" \
    --change 'LABEL tfpairs.terraform-double=true' \
    --message 'tfpairs terraform TEST DOUBLE image (not terraform)' \
    - "$IMAGE" >/dev/null
# the replaced build would linger as an untagged image; it stays if a container still uses it
if [ -n "$previous_id" ] && [ "$previous_id" != "$(docker image inspect -f '{{ .Id }}' "$IMAGE")" ]; then
  docker rmi "$previous_id" >/dev/null 2>&1 || true
fi
echo "docker/test-image/build.sh: built $IMAGE ($hash)"
