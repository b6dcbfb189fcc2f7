#!/bin/sh
# A test cluster on one machine: N "hosts", each a network namespace with its own address on a
# private bridge and its own host name (a persistent UTS namespace), so that an MPI job across
# them has distinct hosts that talk over TCP only (no shared memory between them: each is its
# own Open MPI node). Open MPI starts its daemons there through the agent this script writes
# (plm_rsh_agent), which enters the target host's namespaces instead of ssh'ing.
#
#   netns_cluster.sh check                      exit 0 if this machine can (root, ip, unshare,
#                                               nsenter, a netns can be made), else say why, 1
#   netns_cluster.sh up    PREFIX NET N DIR     hosts PREFIX-h1..N at NET.1..N (NET: 10.77.0),
#                                               the bridge at NET.254; DIR gets uts-hI, agent,
#                                               hosts (comma list), mpirun.env (OMPI_MCA_*)
#   netns_cluster.sh down  PREFIX DIR           kill every process of every host, remove them
#   netns_cluster.sh kill  PREFIX I             SIGKILL every process of host I (a dead host)
#   netns_cluster.sh slow  PREFIX I RATE        limit host I's link to RATE both ways
#                                               (tc units: 20mbit), a token bucket (tbf)
#
# `up` removes what a previous run of the same PREFIX left behind first; `down` is idempotent,
# so a test calls it at the end whatever happened. PREFIX is at most 8 characters (interface
# names are limited to 15).
set -eu

die() { echo "netns_cluster: $*" >&2; exit 1; }

cmd_check() {
  [ "$(id -u)" = 0 ] || die "not root: network namespaces need root"
  for tool in ip unshare nsenter ping; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (iproute2, util-linux, iputils-ping)"
  done
  probe="aicprobe$$"
  ip netns add "$probe" 2>/dev/null || die "ip netns add failed: no network namespaces here"
  ip netns delete "$probe"
}

cmd_down() {
  prefix=$1 dir=$2
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$prefix-h" || true); do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
    # A namespace (and its end of the veth) lives on until its last process is gone.
    tries=0
    while [ -n "$(ip netns pids "$ns" 2>/dev/null)" ] && [ $tries -lt 50 ]; do
      sleep 0.1
      tries=$((tries + 1))
    done
    ip netns delete "$ns" 2>/dev/null || true
  done
  # The host ends of the veths too (deleting one end removes the pair at once).
  for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' |
                grep "^$prefix-v" || true); do
    ip link delete "$link" 2>/dev/null || true
  done
  ip link delete "$prefix-br" 2>/dev/null || true
  for uts in "$dir"/uts-h*; do
    [ -e "$uts" ] || continue
    umount "$uts" 2>/dev/null || true
    rm -f "$uts"
  done
}

cmd_up() {
  prefix=$1 net=$2 n=$3 dir=$4
  [ ${#prefix} -le 8 ] || die "prefix '$prefix' is longer than 8 characters"
  # Root runs the agent written here: a folder someone else owns or can write to (a fixed name
  # under /tmp made in advance) could swap it.
  [ ! -L "$dir" ] || die "$dir is a symbolic link: refusing to write the cluster's agent there"
  (umask 077 && mkdir -p "$dir")
  [ "$(stat -c %u "$dir")" = "$(id -u)" ] || die "$dir is not owned by $(id -un): refusing it"
  case $(stat -c %A "$dir") in
    d????-??-?*) ;;
    *) die "$dir is writable by others: refusing to write the cluster's agent there" ;;
  esac
  dir=$(cd "$dir" && pwd)
  cmd_down "$prefix" "$dir"
  ip link add "$prefix-br" type bridge
  ip addr add "$net.254/24" dev "$prefix-br"
  ip link set "$prefix-br" up
  hosts=""
  i=1
  while [ "$i" -le "$n" ]; do
    ns="$prefix-h$i"
    ip netns add "$ns"
    ip link add "$prefix-v$i" type veth peer name eth0 netns "$ns"
    ip link set "$prefix-v$i" master "$prefix-br" up
    ip -n "$ns" addr add "$net.$i/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    : >"$dir/uts-h$i"
    unshare --uts="$dir/uts-h$i" hostname "$ns"
    hosts="$hosts${hosts:+,}$net.$i"
    i=$((i + 1))
  done
  echo "$hosts" >"$dir/hosts"
  # Bridged traffic can be filtered (br_netfilter with a FORWARD policy of DROP, as Docker sets
  # up): then MPI would hang at start, so say so here.
  i=2
  while [ "$i" -le "$n" ]; do
    ip netns exec "$prefix-h1" ping -c 1 -W 2 "$net.$i" >/dev/null 2>&1 ||
      die "host 1 cannot reach host $i ($net.$i) over the bridge $prefix-br: is bridged traffic \
filtered (net.bridge.bridge-nf-call-iptables=$(cat /proc/sys/net/bridge/bridge-nf-call-iptables \
2>/dev/null || echo unset) and an iptables FORWARD chain that drops it)?"
    i=$((i + 1))
  done
  # The agent Open MPI calls as `agent HOST COMMAND...` (as it would call ssh).
  cat >"$dir/agent" <<EOF
#!/bin/sh
host=\$1; shift
case \$host in
  $net.*) i=\${host##*.} ;;
  *) echo "netns agent: \$host is not a host of this cluster ($net.1-$n)" >&2; exit 255 ;;
esac
exec nsenter --net=/run/netns/$prefix-h\$i --uts=$dir/uts-h\$i sh -c "\$*"
EOF
  chmod +x "$dir/agent"
  # Daemons and ranks talk over the cluster's network only, ranks by TCP only (self for a rank
  # to itself); yield when idle, as ranks outnumber this machine's cores.
  cat >"$dir/mpirun.env" <<EOF
OMPI_ALLOW_RUN_AS_ROOT=1
OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
OMPI_MCA_plm_rsh_agent=$dir/agent
OMPI_MCA_oob_tcp_if_include=$net.0/24
OMPI_MCA_btl_tcp_if_include=$net.0/24
OMPI_MCA_btl=self,tcp
OMPI_MCA_mpi_yield_when_idle=1
EOF
}

cmd_kill() {
  prefix=$1 i=$2
  ip netns list | grep -q "^$prefix-h$i\b" || die "no host $prefix-h$i"
  # A process may end between listing and killing it: that is not an error.
  pids=$(ip netns pids "$prefix-h$i" 2>/dev/null || true)
  [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
}

# A token bucket, not netem: a slow link is a rate, and kernels without netem (this CI's) have
# tbf. Latency bounds the queue (packets waiting longer are dropped, as on a congested link).
cmd_slow() {
  prefix=$1 i=$2 rate=$3
  tc qdisc replace dev "$prefix-v$i" root tbf rate "$rate" burst 32kb latency 200ms
  ip netns exec "$prefix-h$i" tc qdisc replace dev eth0 root tbf rate "$rate" burst 32kb latency 200ms
}

[ $# -ge 1 ] || die "usage: $0 check|up|down|kill|slow ..."
command=$1
shift
case $command in
  check) cmd_check ;;
  up) [ $# -eq 4 ] || die "usage: up PREFIX NET N DIR"; cmd_up "$@" ;;
  down) [ $# -eq 2 ] || die "usage: down PREFIX DIR"; cmd_down "$@" ;;
  kill) [ $# -eq 2 ] || die "usage: kill PREFIX I"; cmd_kill "$@" ;;
  slow) [ $# -eq 3 ] || die "usage: slow PREFIX I RATE"; cmd_slow "$@" ;;
  *) die "unknown command $command" ;;
esac
