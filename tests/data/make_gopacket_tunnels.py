#!/usr/bin/python3
"""Write tests/data/gopacket-tunnels.pcap: real tunnel frames captured by others.

Usage: make_gopacket_tunnels.py GOPACKET_LAYERS_DIR [OUT.pcap]

The frames are the byte arrays of gopacket's own tests (Debian's
golang-github-google-gopacket-dev, /usr/share/gocode/src/github.com/google/gopacket/layers,
BSD-3-Clause, Copyright Google, Inc.): captures of GRE (IPv4 and Ethernet over GRE), MPLS (one
and two labels), VXLAN and GENEVE traffic, each shown in the Go source with the tcpdump or
Wireshark text it was taken from. Only the frames Scapy 2.5 dissects into layers wirecraft
has are kept (gopacket's PPTP frame carries PPP over HDLC, which wirecraft does not dissect).
Reproduce with
  apt-get download golang-github-google-gopacket-dev && dpkg -x golang-github-google-gopacket-dev_*.deb x
  tests/data/make_gopacket_tunnels.py x/usr/share/gocode/src/github.com/google/gopacket/layers
"""
import os
import re
import struct
import sys

# (Go file, variable): the frames, in this order.
FRAMES = [
    ("gre_test.go", "testPacketGRE"),
    ("gre_test.go", "testPacketEthernetOverGRE"),
    ("mpls_test.go", "testPacketMPLS"),
    ("decode_test.go", "testMPLS"),
    ("decode_test.go", "testPacketMPLSInMPLS"),
    ("vxlan_test.go", "testPacketVXLAN"),
    ("geneve_test.go", "testPacketGeneve2"),
    ("geneve_test.go", "testPacketGeneve3"),
]


def frame(src, var):
    m = re.search(r"var %s = \[\]byte\{(.*?)\n\}" % re.escape(var), src, re.S)
    if not m:
        raise SystemExit("make_gopacket_tunnels: %s not found" % var)
    body = re.sub(r"//[^\n]*", "", m.group(1))
    return bytes(int(x, 16) for x in re.findall(r"0x([0-9a-fA-F]{1,2})", body))


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "gopacket-tunnels.pcap")
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, (fn, var) in enumerate(FRAMES):
            with open(os.path.join(sys.argv[1], fn)) as g:
                b = frame(g.read(), var)
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(b), len(b)))
            f.write(b)
    print("make_gopacket_tunnels: %d frames -> %s" % (len(FRAMES), out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
