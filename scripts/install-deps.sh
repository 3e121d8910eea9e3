#!/usr/bin/env bash
# Installs the distribution packages wirecraft builds and tests with. Idempotent: it only calls
# apt-get when a package is missing, so `make test` on a ready machine costs one dpkg query.
set -euo pipefail

PKGS=(
  build-essential pkg-config
  libbpf-dev libxdp-dev libelf-dev zlib1g-dev libpcap-dev
  clang llvm bpftool
  xdp-tools  # xdp-loader: tests/net/test_coexist.sh loads "another" program with it
  libcmocka-dev libclang-rt-14-dev
  python3-scapy tshark tcpdump
  iproute2 iputils-ping bc ethtool
  procps  # pgrep: tests/net/test_faults.sh looks for wirecraft processes left behind
  clang-tidy cppcheck libcap2-bin
  valgrind  # make test-asan: normal-path commands under valgrind --leak-check=full
  # traceroute: the reference tools of tests/net/test_traceroute.sh and bench/trace/
  traceroute mtr-tiny scamper
  # DNS (issue 10): tests/net/test_dns.sh's server (the binary only: no system service) and client
  dnsmasq-base bind9-dnsutils
  # tunnels and SCTP (issue 10): a userspace SCTP stack's example client and server, for a
  # real SCTP association in tests/net/test_tunnels.sh (this kernel has no SCTP module)
  libusrsctp-examples
  # wave 2, BOOTP/DHCP/NTP: tests/net/test_dhcp_ntp.sh runs these servers and client itself,
  # inside its namespaces (chrony's own service, if the init system starts one, is not used)
  dnsmasq-base udhcpc chrony
  # python module (issue 12): building it against /usr/bin/python3, and its tests
  python3-dev python3-pytest
  # scan --banners and UDP probe modules: OpenSSL's X.509 parser, and the real servers (and
  # clients) tests/net/test_banners.sh and test_udp_probes.sh start in their namespaces
  libssl-dev openssl openssh-server openssh-client nginx-light curl dnsmasq-base chrony snmpd snmp
  bind9-dnsutils  # dig: what a real client gets from dnsmasq
  memcached  # udp:memcached's server (the binary only: the test starts it in its namespace)
  samba samba-common-bin  # nmbd and nmblookup for udp:netbios-ns (only nmbd runs, in B)
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]} (run as root, or install them)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer it up front.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
# Servers the tests start themselves (sshd, nginx, chronyd, snmpd, dnsmasq) must not also start
# as the host's own services when their packages install: on the host they would listen on, or
# send from, the host's interfaces (chronyd to its NTP pool). A policy-rc.d that refuses every
# start keeps them down for the install; one that was already there is left as it is.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# wirecraft install-deps: no service starts during the install\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
