#!/usr/bin/env bash
# A private test network: two network namespaces joined by one veth pair. Nothing here touches
# the host's own interfaces: the veth ends are created directly inside the namespaces, and
# deleting the namespaces deletes them.
#
#   scripts/netns.sh [-n NAME] up          create NAME-a and NAME-b, veth NAME-a0 <-> NAME-b0:
#                                             NAME-a0  0a:00:00:00:00:01  198.18.0.1/24  2001:db8::1/64
#                                             NAME-b0  0a:00:00:00:00:02  198.18.0.2/24  2001:db8::2/64
#                                          (fixed MACs: captures compare across runs, and they
#                                          never collide with the reflector's 02:00:... ones)
#                                          (an existing pair of the same NAME is removed first)
#   scripts/netns.sh [-n NAME] [-q N] up   the same with N queues each way on both ends (default
#                                          1): a veth hands a frame to the peer queue of the
#                                          sending CPU, so two sending threads need two queues
#   scripts/netns.sh [-n NAME] down        remove both namespaces (and so the veth); idempotent
#   scripts/netns.sh [-n NAME] exec a|b CMD [ARG...]
#                                          run CMD inside NAME-a or NAME-b (nsenter, so /sys and
#                                          bpffs stay the host's, unlike `ip netns exec`)
#   scripts/netns.sh [-n NAME] xdp-pass a|b [OBJ]
#                                          attach the trivial XDP_PASS program wc_pass (from OBJ,
#                                          default build/bpf/reflect.bpf.o) to that end. A veth
#                                          only delivers XDP_TX'd or redirected frames to a peer
#                                          that runs NAPI, i.e. has an XDP program (or GRO on):
#                                          put it on the end facing an XDP sender or reflector.
#   scripts/netns.sh [-n NAME] xdp-off a|b remove a netlink-attached XDP program from that end
#
# NAME defaults to $WC_NETNS or "wc"; give each parallel test its own (at most 12 characters:
# interface names are limited to 15). Addresses are the same in every pair: the namespaces
# keep them apart. Needs root (or CAP_NET_ADMIN + CAP_SYS_ADMIN).
set -euo pipefail

NAME=${WC_NETNS:-wc}
QUEUES=1

die() { echo "netns.sh: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -e/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    -n|--name) [ $# -ge 2 ] || usage; NAME=$2; shift 2 ;;
    -q|--queues) [ $# -ge 2 ] || usage; QUEUES=$2; shift 2 ;;
    -h|--help) usage ;;
    --) shift; break ;;
    -*) usage ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || usage
[[ "$NAME" =~ ^[A-Za-z0-9_]{1,12}$ ]] || die "NAME '$NAME': 1 to 12 letters, digits or _"
[[ "$QUEUES" =~ ^[0-9]{1,2}$ ]] && [ "$QUEUES" -ge 1 ] && [ "$QUEUES" -le 64 ] ||
  die "queues '$QUEUES': 1 to 64"

NS_A=$NAME-a NS_B=$NAME-b
IF_A=$NAME-a0 IF_B=$NAME-b0

side() { # a|b -> $ns $ifc (not in a subshell: die must end the script)
  case "$1" in
    a) ns=$NS_A ifc=$IF_A ;;
    b) ns=$NS_B ifc=$IF_B ;;
    *) die "side '$1': expected a or b" ;;
  esac
}

ns_exists() { [ -e "/run/netns/$1" ]; }

down() {
  local ns
  for ns in "$NS_A" "$NS_B"; do
    if ns_exists "$ns"; then ip netns del "$ns" 2>/dev/null || true; fi
  done
}

up() {
  down
  trap down ERR # a half-built pair is removed, not left behind
  ip netns add "$NS_A"
  ip netns add "$NS_B"
  # Both ends born inside their namespaces: the host namespace never holds either of them.
  if ! ip link add "$IF_A" netns "$NS_A" address 0a:00:00:00:00:01 \
      numtxqueues "$QUEUES" numrxqueues "$QUEUES" type veth \
      peer name "$IF_B" netns "$NS_B" address 0a:00:00:00:00:02 \
      numtxqueues "$QUEUES" numrxqueues "$QUEUES"; then
    down
    die "cannot create veth $IF_A <-> $IF_B"
  fi
  local ns ifc v4 v6
  for ns in A B; do
    if [ $ns = A ]; then ns=$NS_A ifc=$IF_A v4=198.18.0.1/24 v6=2001:db8::1/64
    else ns=$NS_B ifc=$IF_B v4=198.18.0.2/24 v6=2001:db8::2/64; fi
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$v4" dev "$ifc"
    # nodad: usable at once, no 1-2 s of tentative state for tests to wait out
    ip -n "$ns" addr add "$v6" dev "$ifc" nodad
    ip -n "$ns" link set "$ifc" up
  done
  trap - ERR
}

case "$1" in
  up) [ $# -eq 1 ] || usage; up ;;
  down) [ $# -eq 1 ] || usage; down ;;
  exec)
    [ $# -ge 3 ] || usage
    side "$2"
    ns_exists "$ns" || die "namespace $ns does not exist (run: $0 -n $NAME up)"
    shift 2
    exec nsenter --net="/run/netns/$ns" -- "$@"
    ;;
  xdp-pass)
    [ $# -ge 2 ] && [ $# -le 3 ] || usage
    side "$2"
    obj=${3:-build/bpf/reflect.bpf.o}
    [ -f "$obj" ] || die "$obj not found (run: make)"
    ip -n "$ns" link set dev "$ifc" xdpdrv object "$obj" program wc_pass
    ;;
  xdp-off)
    [ $# -eq 2 ] || usage
    side "$2"
    ip -n "$ns" link set dev "$ifc" xdp off
    ;;
  *) usage ;;
esac
