#!/usr/bin/env bash
# Writes the seeds of fuzz_pcap (tests/fuzz/corpus/pcap/): real captures made with
# `wirecraft build -w`, their pcapng, nanosecond and big-endian forms (editcap, from tshark's
# package; a few lines of Python for the byte swap), other link types, and damaged copies.
# Nothing is sent; every address is in 198.18.0.0/15 or 2001:db8::/32.
#   WIRECRAFT=build/wirecraft tests/fuzz/make_capture_seeds.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wc=${WIRECRAFT:-$here/../../build/wirecraft}
out=$here/corpus/pcap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
E="Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')"

build() { "$wc" build -w "$out/$1" "$2"; }
build ether_ip_tcp.pcap "$E/IP(src='198.18.0.1', dst='198.18.0.2')/TCP(dport=[22,80,443], flags='S', options=[('MSS', 1460)])"
build ether_mixed_arp_vlan.pcap "$E/Dot1Q(vlan=[7,8])/IP(src='198.18.0.1', dst='198.18.0.2')/UDP(dport=53)/'q'"
build ether_arp.pcap "Ether(src='02:00:00:00:00:01', dst='ff:ff:ff:ff:ff:ff')/ARP(psrc='198.18.0.1', pdst=['198.18.0.2', '198.18.0.3'])"
build ether_ipv6_nd.pcap "Ether(src='02:00:00:00:00:01', dst='33:33:ff:00:00:02')/IPv6(src='2001:db8::1', dst='ff02::1:ff00:2')/ICMPv6ND_NS(tgt='2001:db8::2')"
build ether_icmp_error.pcap "$E/IP(src='198.18.0.2', dst='198.18.0.1')/ICMP(type='dest-unreach', code=3)/IPerror(src='198.18.0.1', dst='198.18.0.2')/UDPerror(dport=[53,123])"
build raw_ip_udp.pcap "IP(src='198.18.0.1', dst='198.18.0.2')/UDP(dport=[53,161])/'hello'"
build raw_ipv6_tcp.pcap "IPv6(src='2001:db8::1', dst='2001:db8::2')/TCP(dport=(1,3), flags='S')"
build ether_jumbo.pcap "$E/IP(src='198.18.0.1', dst='198.18.0.2')/UDP()/Raw(load=b'x'*8000)"

# The same frames in the other formats libpcap reads.
editcap -F pcapng "$out/ether_ip_tcp.pcap" "$out/ether_ip_tcp.pcapng"
editcap -F pcapng "$out/raw_ipv6_tcp.pcap" "$out/raw_ipv6_tcp.pcapng"
editcap -F nsecpcap "$out/ether_mixed_arp_vlan.pcap" "$out/ether_mixed_arp_vlan_nsec.pcap"
editcap -F modpcap "$out/ether_arp.pcap" "$out/ether_arp_modpcap.pcap"
# Frames cut by a snapshot length, and link types whose header wc_pcap_first_proto skips.
editcap -F pcapng -s 30 "$out/ether_ip_tcp.pcap" "$out/ether_ip_tcp_snap30.pcapng"
editcap -F pcap -T linux-sll "$out/ether_ip_tcp.pcap" "$out/linux_sll.pcap"
editcap -F pcap -T null "$out/raw_ip_udp.pcap" "$out/bsd_null.pcap"
editcap -F pcap -T rawip4 "$out/raw_ip_udp.pcap" "$out/rawip4.pcap"

/usr/bin/python3 - "$out" <<'PY'
import struct, sys, os
out = sys.argv[1]
def swap(src, dst):
    """A little-endian pcap rewritten as a big-endian one (as a SPARC or a PowerPC writes)."""
    b = open(os.path.join(out, src), 'rb').read()
    magic, vmaj, vmin, zone, sig, snap, link = struct.unpack('<IHHiIII', b[:24])
    o = [struct.pack('>IHHiIII', magic, vmaj, vmin, zone, sig, snap, link)]
    i = 24
    while i + 16 <= len(b):
        s, us, cap, ln = struct.unpack('<IIII', b[i:i + 16])
        o.append(struct.pack('>IIII', s, us, cap, ln) + b[i + 16:i + 16 + cap])
        i += 16 + cap
    open(os.path.join(out, dst), 'wb').write(b''.join(o))
swap('ether_ip_tcp.pcap', 'ether_ip_tcp_bigendian.pcap')
# Damaged copies: cut in the file header, in a record header, in a frame; a lying caplen;
# a usec file whose microseconds exceed a second.
b = open(os.path.join(out, 'ether_ip_tcp.pcap'), 'rb').read()
open(os.path.join(out, 'bad_cut_file_header'), 'wb').write(b[:20])
open(os.path.join(out, 'bad_cut_record_header'), 'wb').write(b[:24 + 8])
open(os.path.join(out, 'bad_cut_frame'), 'wb').write(b[:24 + 16 + 20])
open(os.path.join(out, 'bad_caplen_huge'), 'wb').write(b[:24 + 8] + struct.pack('<II', 0x7fffffff, 60) + b[24 + 16:])
open(os.path.join(out, 'bad_usec_over_second'), 'wb').write(b[:24 + 4] + struct.pack('<I', 4000000) + b[24 + 8:])
n = open(os.path.join(out, 'ether_ip_tcp.pcapng'), 'rb').read()
open(os.path.join(out, 'bad_pcapng_cut'), 'wb').write(n[:len(n) - 7])
open(os.path.join(out, 'bad_pcapng_blocklen'), 'wb').write(n[:4] + struct.pack('<I', 0xfffffff0) + n[8:])
PY
ls "$out" | wc -l
