#!/usr/bin/env bash
# Real tunnel traffic captured by others (tests/data/gopacket-tunnels.pcap: the GRE, MPLS,
# VXLAN and GENEVE frames of gopacket's tests, from Debian's golang-github-google-gopacket-dev;
# tests/data/make_gopacket_tunnels.py says how): wirecraft must dissect every frame exactly as
# Scapy 2.5 does, field by field, and name the tunnel layers in its summaries. No SCTP capture
# ships in Debian's packages that we found; SCTP's real traffic is in tests/net/test_tunnels.sh
# (a kernel's protocol-unreachable quoting it).
set -u
cd "$(dirname "$0")/../.."
WC=${WIRECRAFT:-build/wirecraft}
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
PCAP=tests/data/gopacket-tunnels.pcap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
	if [ "${CI:-}" = true ]; then ko "python3-scapy missing (CI=true: cannot skip)"; fi
	echo "real-tunnels: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit
fi
/usr/bin/python3 tests/net/tunnels_compare.py "$WC" "$PCAP" --expect GRE MPLS VXLAN GENEVE \
	> "$tmp/cmp" 2>&1
grep -q '^tunnels-compare: 8 frames, 0 differences' "$tmp/cmp" && ok || ko "against Scapy: $(cat "$tmp/cmp")"
"$WC" dissect --summary -r "$PCAP" > "$tmp/sum" 2>&1 || ko "dissect --summary: $(head -1 "$tmp/sum")"
want='Ether / IP / GRE / IP / ICMP
Ether / IP / GRE / Ether / IP / ICMP
Ether / MPLS / MPLS / IP / ICMP
Ether / MPLS / IP / ICMP
Ether / MPLS / MPLS / IP / ICMP
Ether / IP / UDP / VXLAN / Ether / IP / ICMP
Ether / IP / UDP / GENEVE / Ether / IP / ICMP
Ether / IP / UDP / GENEVE / Ether / IP / ICMP'
got=$(sed -e 's/ICMP [^/]*\( \/ Raw\)\{0,1\}$/ICMP/' "$tmp/sum")
[ "$got" = "$want" ] && ok || ko "summaries: $got"
# The MPLS pair of labels: 17 (s=0) over 19 (s=1), as the Wireshark text in gopacket says.
"$WC" dissect --json -c 3 -r "$PCAP" | sed -n 3p > "$tmp/mpls.json"
/usr/bin/python3 -c 'import json, sys
p = json.load(open(sys.argv[1]))
m = [l["fields"] for l in p if l["layer"] == "MPLS"]
sys.exit(0 if [(x["label"], x["s"], x["ttl"]) for x in m] == [(17, 0, 254), (19, 1, 254)] else 1)' \
	"$tmp/mpls.json" && ok || ko "MPLS labels: $(cat "$tmp/mpls.json")"
echo "real-tunnels: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
