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
  # scan --banners and UDP probe modules: OpenSSL's X.509 parser, and the real servers (and
  # clients) tests/net/test_banners.sh and test_udp_probes.sh start in their namespaces
  libssl-dev openssl openssh-server openssh-client nginx-light curl dnsmasq-base chrony snmpd snmp
  bind9-dnsutils  # dig: what a real client gets from dnsmasq
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
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
