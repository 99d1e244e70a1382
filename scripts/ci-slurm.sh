#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this machine for test/slurm.test.ts. Idempotent:
#   1. installs Debian's slurm-wlm (22.05: slurmctld, slurmd, client) and munge when missing
#   2. creates the munge key (1024 random bytes, owner munge, mode 400) when missing, and starts munged
#      as user munge unless a munged answers already
#   3. writes slurm.conf (one node = this machine, one partition, state/spool/log/pid files under
#      $TFPAIRS_SLURM_DIR) unless ours is there already, then starts slurmctld, then slurmd, unless
#      they answer already, and waits until the node takes jobs
# Prints each step; exits non-zero with the reason when a step fails.
#
# What works on our kind of machine (Debian 12, root, no systemd as PID 1, so the packages' units do
# not start): SlurmUser=root, ProctrackType=proctrack/linuxproc, TaskPlugin=task/none,
# JobAcctGatherType=jobacct_gather/none, SelectType=select/cons_tres with CR_Core. There is no
# slurmdbd, so sacct has no data: job states come from scontrol / squeue.
set -euo pipefail

STATE="${TFPAIRS_SLURM_DIR:-/var/tmp/tfpairs-slurm}"
CONF=/etc/slurm/slurm.conf
MARK="# written by tfpairs scripts/ci-slurm.sh"
PARTITION="${TFPAIRS_SLURM_PARTITION:-debug}"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

say() { echo "ci-slurm: $*"; }
die() { echo "ci-slurm: FAILED: $*" >&2; exit 1; }

# --- 1. packages -------------------------------------------------------------------------------
missing=()
for bin in slurmctld:slurmctld slurmd:slurmd sbatch:slurm-client munged:munge; do
  command -v "${bin%%:*}" >/dev/null 2>&1 || missing+=("${bin##*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  # slurm-wlm pulls slurmctld, slurmd and slurm-client
  say "installing slurm-wlm munge (missing: ${missing[*]})"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq || die "apt-get update failed"
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends slurm-wlm munge >/dev/null ||
    die "apt-get install slurm-wlm munge failed"
else
  say "slurm-wlm and munge already installed ($(sbatch --version 2>/dev/null))"
fi
for bin in slurmctld slurmd sbatch squeue scontrol munged munge unmunge; do
  command -v "$bin" >/dev/null 2>&1 || die "$bin is not on PATH after installing slurm-wlm and munge"
done

# --- 2. munge ----------------------------------------------------------------------------------
munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }
if munge_ok; then
  say "munged already answers"
else
  id munge >/dev/null 2>&1 || die "no munge user (the munge package creates it)"
  if [ ! -s /etc/munge/munge.key ]; then
    say "creating /etc/munge/munge.key"
    $SUDO mkdir -p /etc/munge
    $SUDO dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none || die "cannot write /etc/munge/munge.key"
  fi
  $SUDO chown munge:munge /etc/munge/munge.key
  $SUDO chmod 400 /etc/munge/munge.key
  $SUDO mkdir -p /run/munge /var/log/munge /var/lib/munge
  $SUDO chown munge:munge /run/munge /var/log/munge /var/lib/munge
  $SUDO chmod 755 /run/munge
  say "starting munged as user munge"
  $SUDO runuser -u munge -- munged || die "munged did not start (see /var/log/munge/munged.log)"
  for _ in $(seq 1 20); do munge_ok && break; sleep 0.5; done
  munge_ok || die "munged started but munge -n | unmunge fails (see /var/log/munge/munged.log)"
fi

# --- 3. slurm.conf, slurmctld, slurmd ----------------------------------------------------------
HOST="$(hostname -s)"
CPUS="$(nproc)"
WANT="$(cat <<EOF
$MARK
ClusterName=tfpairs
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$STATE/state
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
NodeName=$HOST CPUs=$CPUS RealMemory=4000 State=UNKNOWN
PartitionName=$PARTITION Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
)"
ctld_up() { timeout 10 scontrol ping 2>/dev/null | grep -q 'is UP'; }
node_state() { timeout 10 sinfo -h -N -n "$HOST" -o '%T' 2>/dev/null | head -n1; }

if [ -f "$CONF" ] && [ "$(cat "$CONF")" = "$WANT" ] && ctld_up; then
  say "slurmctld already answers with our slurm.conf ($CONF)"
else
  if [ -f "$CONF" ] && [ "$(cat "$CONF")" != "$WANT" ]; then
    if ctld_up && ! head -n1 "$CONF" | grep -qF "$MARK"; then
      # someone else's cluster: use it as it is rather than rewrite its configuration
      say "a controller answers with a slurm.conf not written by this script: using it as it is"
      scontrol ping
      exit 0
    fi
    if ! head -n1 "$CONF" | grep -qF "$MARK"; then
      say "keeping the previous $CONF as $CONF.before-tfpairs"
      $SUDO cp "$CONF" "$CONF.before-tfpairs"
    fi
    # an earlier run's daemons read the old file: they are restarted below
    for d in slurmd slurmctld; do
      if pid="$(pgrep -x "$d")"; then say "stopping $d ($pid): slurm.conf changed"; $SUDO kill $pid || true; fi
    done
    sleep 1
  fi
  $SUDO mkdir -p /etc/slurm "$STATE/state" "$STATE/spool"
  if [ -f "$CONF" ] && [ "$(cat "$CONF")" = "$WANT" ]; then
    say "$CONF is already ours (node $HOST, $CPUS CPUs, partition $PARTITION, state in $STATE)"
  else
    printf '%s\n' "$WANT" | $SUDO tee "$CONF" >/dev/null
    say "wrote $CONF (node $HOST, $CPUS CPUs, partition $PARTITION, state in $STATE)"
  fi
  if ! pgrep -x slurmctld >/dev/null; then
    say "starting slurmctld (log: $STATE/slurmctld.log)"
    $SUDO slurmctld || die "slurmctld did not start: $(tail -n 5 "$STATE/slurmctld.log" 2>/dev/null)"
  fi
  for _ in $(seq 1 30); do ctld_up && break; sleep 1; done
  ctld_up || die "slurmctld does not answer scontrol ping: $(tail -n 5 "$STATE/slurmctld.log" 2>/dev/null)"
fi

if ! pgrep -x slurmd >/dev/null; then
  say "starting slurmd (log: $STATE/slurmd.log)"
  $SUDO slurmd || die "slurmd did not start: $(tail -n 5 "$STATE/slurmd.log" 2>/dev/null)"
else
  say "slurmd already running"
fi
state=""
for _ in $(seq 1 30); do
  state="$(node_state)"
  case "$state" in
    idle*|mixed*|allocated*|completing*) break ;;
    down*|drain*|fail*)
      # an earlier run's node left down (e.g. slurmd restarted): let it take jobs again
      $SUDO scontrol update NodeName="$HOST" State=RESUME 2>/dev/null || true ;;
  esac
  sleep 1
done
case "$state" in
  idle*|mixed*|allocated*|completing*) ;;
  *) die "node $HOST is '${state:-unknown}', not taking jobs: $(tail -n 5 "$STATE/slurmd.log" 2>/dev/null)" ;;
esac
say "ready: $(scontrol ping | head -n1); node $HOST is $state; partition $PARTITION"
