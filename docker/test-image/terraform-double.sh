#!/bin/sh
# ============================================================================================
#  TERRAFORM TEST DOUBLE -- this is NOT terraform.
# ============================================================================================
# Installed as /usr/local/bin/terraform in the locally built test image
# (docker/test-image/build.sh, tag tfpairs/terraform-double:test). No container registry is
# reachable from our machines or CI, so the real hashicorp/terraform image (docker/Dockerfile)
# cannot be built there; this double lets the sandbox tests drive a real Docker engine with
# real limits. It speaks terraform's command line (init / validate -json / plan -json /
# version) and terraform's JSON shapes, and does what `# tfpairs-double: ...` comment lines in
# the *.tf files of its working directory ask:
#
#   replay NAME         validate prints the recorded `terraform validate -json` output
#                       /opt/tfpairs-double/replays/NAME.json (exit 1 when it says valid=false)
#   sleep SECONDS       validate sleeps first (timeout tests)
#   alloc-mb MB         validate allocates and touches MB MiB of memory first (OOM tests)
#   spawn N             validate tries to start N processes first and reports how many ran
#   connect HOST PORT   validate tries a TCP connection and reports the outcome
#   probe               validate reports uid, capabilities, no_new_privs, root fs, network,
#                       the configuration's files and the plugin dir
#   crash               validate panics like a crashing terraform (exit 2)
#   init-fail           init fails like a provider that is missing from the mirror
#   plan-fail           plan reports an error diagnostic (exit 1)
#
# Reports come back as warning diagnostics whose summary starts with "tfpairs-double", inside an
# otherwise ordinary validate -json document, so they travel the same parse path as real output.
set -u

TF_VERSION=1.5.7
REPLAYS=/opt/tfpairs-double/replays

directives() {
  cat ./*.tf 2>/dev/null | sed -n 's/^[[:space:]]*#[[:space:]]*tfpairs-double:[[:space:]]*//p'
}

# first argument(s) of a directive, empty when absent
directive_args() {
  directives | awk -v k="$1" '$1 == k { $1 = ""; sub(/^ +/, ""); print; exit }'
}

has_directive() {
  directives | awk -v k="$1" '$1 == k { found = 1 } END { exit found ? 0 : 1 }'
}

json_string() {
  # JSON string literal of $1 (newlines and tabs folded to spaces)
  printf '%s' "$1" | tr '\n\t' '  ' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$/"/'
}

REPORTS=""
report() {
  item=$(printf '{"severity":"warning","summary":%s,"detail":%s}' "$(json_string "tfpairs-double $1")" "$(json_string "$2")")
  if [ -z "$REPORTS" ]; then REPORTS="$item"; else REPORTS="$REPORTS,$item"; fi
}

run_effects() {
  seconds=$(directive_args sleep)
  if [ -n "$seconds" ]; then
    sleep "$seconds"
  fi

  mb=$(directive_args alloc-mb)
  if [ -n "$mb" ]; then
    # busybox dd allocates a bs-sized buffer and fills it from /dev/zero: every page is touched
    dd if=/dev/zero of=/dev/null bs="${mb}M" count=1 2>/dev/null
    rc=$?
    report alloc-mb "allocated ${mb} MiB, dd exit $rc"
  fi

  n=$(directive_args spawn)
  if [ -n "$n" ]; then
    # Processes newer than every pid seen now are the spawned ones (fresh pid namespace: pids only
    # grow). A non-interactive shell exits when fork fails, so the spawning runs in a subshell, and
    # counting/killing afterwards uses builtins only (no fork is left when the limit is hit).
    maxpid=0
    for proc in /proc/[0-9]*; do
      pid=${proc#/proc/}
      [ "$pid" -gt "$maxpid" ] && maxpid=$pid
    done
    (
      i=0
      while [ "$i" -lt "$n" ]; do
        sleep 30 &
        i=$((i + 1))
      done
    ) 2>/dev/null
    running=0
    for proc in /proc/[0-9]*; do
      pid=${proc#/proc/}
      if [ "$pid" -gt "$maxpid" ]; then
        running=$((running + 1))
        kill "$pid" 2>/dev/null
      fi
    done
    # killed processes hold their pids until PID 1 (the container's init) reaps them
    tries=0
    while [ "$tries" -lt 5000 ]; do
      left=0
      for proc in /proc/[0-9]*; do
        pid=${proc#/proc/}
        [ "$pid" -gt "$maxpid" ] && left=$((left + 1))
      done
      [ "$left" -eq 0 ] && break
      tries=$((tries + 1))
    done
    report spawn "requested $n, running $running"
  fi

  target=$(directive_args connect)
  if [ -n "$target" ]; then
    # shellcheck disable=SC2086
    set -- $target
    if out=$(echo tfpairs-double-probe | nc -w 3 "$1" "$2" 2>&1); then
      report connect "connected to $1:$2"
    else
      report connect "unreachable $1:$2: $out"
    fi
  fi

  if has_directive probe; then
    report uid "$(id -u)"
    report cap-eff "$(awk '/^CapEff:/ { print $2 }' /proc/self/status)"
    report no-new-privs "$(awk '/^NoNewPrivs:/ { print $2 }' /proc/self/status)"
    if touch /usr/local/bin/.tfpairs-probe 2>/dev/null; then
      report rootfs writable
    else
      report rootfs read-only
    fi
    report interfaces "$(ls /sys/class/net | tr '\n' ' ' | sed 's/ $//')"
    report files "$(ls ./*.tf | sed 's|^\./||' | tr '\n' ' ' | sed 's/ $//')"
    if [ -d /opt/tfpairs/plugins ]; then
      if touch /opt/tfpairs/plugins/.tfpairs-probe 2>/dev/null; then mode=writable; else mode=read-only; fi
      report plugin-dir "$mode: $(ls /opt/tfpairs/plugins | tr '\n' ' ' | sed 's/ $//')"
    fi
  fi
}

cmd_version() {
  case " $* " in
    *" -json "* | *" --json "*)
      printf '{\n  "terraform_version": "%s",\n  "platform": "linux_amd64",\n  "provider_selections": {},\n  "terraform_outdated": false\n}\n' "$TF_VERSION"
      ;;
    *) printf 'Terraform v%s (tfpairs test double, not terraform)\non linux_amd64\n' "$TF_VERSION" ;;
  esac
}

cmd_init() {
  plugin_dir=""
  for arg in "$@"; do
    case "$arg" in
      -plugin-dir=* | --plugin-dir=*) plugin_dir=${arg#*=} ;;
    esac
  done
  printf '\nInitializing the backend...\n\nInitializing provider plugins...\n'
  if [ -n "$plugin_dir" ] && [ ! -r "$plugin_dir" ]; then
    printf '\nError: Failed to read plugin directory\n\nThe directory %s cannot be read.\n' "$plugin_dir" >&2
    return 1
  fi
  if has_directive init-fail; then
    printf '\nError: Failed to query available provider packages\n\nCould not retrieve the list of available versions for provider hashicorp/aws: provider registry.terraform.io/hashicorp/aws was not found in any of the search locations\n\n  - %s\n' "${plugin_dir:-/opt/terraform/providers}" >&2
    return 1
  fi
  # a real init writes .terraform/ into the working directory: it must be writable
  if ! mkdir -p .terraform/providers 2>/dev/null; then
    printf '\nError: Failed to create .terraform directory\n\n%s is not writable.\n' "$(pwd)" >&2
    return 1
  fi
  printf '\nTerraform has been successfully initialized!\n'
}

cmd_validate() {
  run_effects
  if has_directive crash; then
    printf 'panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x0]\n\ngoroutine 1 [running]:\ngithub.com/hashicorp/terraform/internal/terraform.(*ContextGraphWalker).Execute(0x0)\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!! TERRAFORM CRASH !!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\nTerraform crashed! This is always indicative of a bug within Terraform.\n' >&2
    return 2
  fi
  name=$(directive_args replay)
  if [ -n "$name" ]; then
    file="$REPLAYS/$name.json"
    if [ ! -r "$file" ]; then
      printf 'tfpairs-double: no recorded output %s\n' "$file" >&2
      return 3
    fi
    cat "$file"
    if grep -q '"valid": *false' "$file"; then return 1; fi
    return 0
  fi
  count=0
  if [ -n "$REPORTS" ]; then count=$(printf '%s' "$REPORTS" | grep -o '"severity":"warning"' | wc -l); fi
  printf '{\n  "format_version": "1.0",\n  "valid": true,\n  "error_count": 0,\n  "warning_count": %s,\n  "diagnostics": [%s]\n}\n' "$count" "$REPORTS"
}

ui_line() {
  # one line of terraform's machine-readable UI (plan -json)
  printf '{"@level":"%s","@message":%s,"@module":"terraform.ui","@timestamp":"%s",%s}\n' "$1" "$(json_string "$2")" "$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)" "$3"
}

cmd_plan() {
  ui_line info "Terraform $TF_VERSION" "\"terraform\":\"$TF_VERSION\",\"type\":\"version\",\"ui\":\"1.1\""
  if has_directive plan-fail; then
    ui_line error "Error: No valid credential sources found" '"diagnostic":{"severity":"error","summary":"No valid credential sources found","detail":"Please see https://registry.terraform.io/providers/hashicorp/aws for more information about providing credentials."},"type":"diagnostic"'
    return 1
  fi
  ui_line info "Plan: 1 to add, 0 to change, 0 to destroy." '"changes":{"add":1,"change":0,"import":0,"remove":0,"operation":"plan"},"type":"change_summary"'
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
  version | -version | --version | -v) cmd_version "$@" ;;
  init) cmd_init "$@" ;;
  validate) cmd_validate "$@" ;;
  plan) cmd_plan "$@" ;;
  *)
    printf 'tfpairs terraform test double: unsupported command "%s"\n' "$command" >&2
    exit 127
    ;;
esac
