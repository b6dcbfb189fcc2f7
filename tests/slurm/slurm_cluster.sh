#!/bin/sh
# A private, throw-away Slurm cluster on this one machine: its own munged (own key and socket),
# slurmctld and slurmd on their own ports, with every file under DIR, so that a test can run
# `srun -n 3 PROGRAM` and the MPI ranks get their rank and size from Slurm (PMIx or PMI2).
# A system-wide munge or Slurm is left alone (nothing in /etc, /run or /var is used). One node:
# this host's short name with `nproc` CPUs; SLURM_OVERCOMMIT=1 (in slurm.env) lets tasks
# outnumber them, and jobs share them (OverSubscribe=FORCE).
#
#   slurm_cluster.sh check       exit 0 if this machine can (root, munged, slurmctld, slurmd,
#                                srun, sinfo), else say why, 1
#   slurm_cluster.sh up DIR      start the cluster, wait until its node is idle; DIR gets
#                                slurm.conf, slurm.env (SLURM_CONF=..., one VAR=value a line,
#                                also printed), munge/, state/, spool/, log/ (daemon logs)
#   slurm_cluster.sh down DIR    stop what `up DIR` started, job steps and srun clients of it
#                                left behind too, wait until gone; idempotent, removes nothing
#
# `up` calls `down` on the same DIR first, so what a killed earlier run left does not matter;
# a test calls `down` at the end whatever happened. Ports: SLURM_CLUSTER_PORT (default 16817)
# for slurmctld and the next one for slurmd; give clusters that run at once different ones.
# Then, with DIR/slurm.env's lines in the environment: `srun -n 3 --mpi=pmix PROGRAM` (Open
# MPI) or `srun -n 3 --mpi=pmi2 PROGRAM` (MPICH).
set -eu

die() { echo "slurm_cluster: $*" >&2; exit 1; }

cmd_check() {
  [ "$(id -u)" = 0 ] || die "not root: the daemons run as root (SlurmUser=root)"
  PATH=$PATH:/usr/sbin:/sbin
  for tool in munged slurmctld slurmd srun sinfo; do
    command -v "$tool" >/dev/null 2>&1 ||
      die "$tool not found (Debian packages munge, slurmctld, slurmd, slurm-client)"
  done
}

# The pids of the processes with this cluster's mark in their environment: the daemons (started
# with it), slurmstepd (slurmd's child) and its tasks (TaskProlog); and srun clients of it.
marked() {
  { grep -lsxzF "SLURM_CLUSTER_DIR=$1" /proc/[0-9]*/environ
    for p in $(pgrep -x srun); do grep -lsxzF "SLURM_CONF=$1/slurm.conf" "/proc/$p/environ"; done
  } | sed 's|^/proc/||; s|/environ$||' | grep -vx "$$" || true
}

checkdir() {
  [ ! -L "$1" ] || die "$1 is a symbolic link"
  [ ! -e "$1" ] || [ "$(stat -c %u "$1")" = 0 ] || die "$1 is not owned by root"
}

# Wait up to 5 s until the marked processes do not include PID (any, without one).
gone() {
  tries=0
  while marked "$1" | grep -qx "${2:-[0-9]*}"; do
    [ $((tries += 1)) -le 50 ] || return 1
    sleep 0.1
  done
}

cmd_down() {
  dir=$1
  checkdir "$dir"
  [ -d "$dir" ] || return 0
  dir=$(cd "$dir" && pwd -P)
  # The daemons one by one (a pid file counts only while its process has the mark), then
  # whatever is left: slurmctld's slurmscriptd, job steps.
  for d in slurmd slurmctld munged; do
    p=$(cat "$dir/run/$d.pid" 2>/dev/null || true)
    marked "$dir" | grep -qx "${p:-none}" || continue
    kill -TERM "$p" 2>/dev/null || true
    gone "$dir" "$p" || kill -KILL "$p" 2>/dev/null || true
  done
  pids=$(marked "$dir")
  # shellcheck disable=SC2086 # one word a pid
  [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
  gone "$dir" || die "processes of $dir survive SIGKILL: $(marked "$dir" | tr '\n' ' ')"
}

# up failed: show the daemons' logs, stop what was started, say why.
fail() {
  for f in "$dir"/log/*; do [ -f "$f" ] && { echo "==> $f <=="; tail -n 30 "$f"; }; done >&2
  (cmd_down "$dir") || true
  die "$*"
}

cmd_up() {
  dir=$1
  cmd_check
  checkdir "$dir"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  cmd_down "$dir"
  port=${SLURM_CLUSTER_PORT:-16817} host=$(hostname -s)
  rm -rf "$dir/munge" "$dir/state" "$dir/spool" "$dir/log" "$dir/run"
  # munged insists on directories that only their owner can write.
  chmod 755 "$dir"
  mkdir -m 700 "$dir/state" "$dir/spool"
  mkdir -m 755 "$dir/munge" "$dir/log" "$dir/run"
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null
  chmod 400 "$dir/munge/munge.key"
  : >"$dir/plugstack.conf"
  printf '#!/bin/sh\necho export SLURM_CLUSTER_DIR=%s\n' "$dir" >"$dir/task_prolog"
  chmod 755 "$dir/task_prolog"
  cat >"$dir/slurm.conf" <<EOF
ClusterName=aicert
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
PlugStackConfig=$dir/plugstack.conf
TaskProlog=$dir/task_prolog
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
InactiveLimit=15
EnforcePartLimits=ALL
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:8
EOF
  export SLURM_CONF="$dir/slurm.conf"
  mark="SLURM_CLUSTER_DIR=$dir"
  env "$mark" munged --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/run/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge/munged.seed" || fail "munged did not start"
  env "$mark" slurmctld -f "$dir/slurm.conf" || fail "slurmctld did not start"
  env "$mark" slurmd -f "$dir/slurm.conf" || fail "slurmd did not start"
  # Up to 30 s; a daemon that exits (its pid file written, its process gone) fails at once.
  tries=0
  until [ "$(sinfo -h -n "$host" -o %t 2>/dev/null)" = idle ]; do
    [ $((tries += 1)) -le 300 ] || fail "node $host not idle after 30 s: $(sinfo -N 2>&1)"
    # shellcheck disable=SC2013 # a pid a line
    for p in $(cat "$dir/run/slurmctld.pid" "$dir/run/slurmd.pid" 2>/dev/null); do
      marked "$dir" | grep -qx "$p" || fail "a daemon exited (ports $port, $((port + 1)) taken?)"
    done
    sleep 0.1
  done
  printf 'SLURM_CONF=%s\nSLURM_OVERCOMMIT=1\n' "$dir/slurm.conf" | tee "$dir/slurm.env"
}

[ $# -ge 1 ] || die "usage: $0 check|up DIR|down DIR"
command=$1
shift
case $command in
  check) [ $# -eq 0 ] || die "usage: check"; cmd_check ;;
  up) [ $# -eq 1 ] || die "usage: up DIR"; cmd_up "$1" ;;
  down) [ $# -eq 1 ] || die "usage: down DIR"; cmd_down "$1" ;;
  *) die "unknown command $command" ;;
esac
