#!/usr/bin/python3
# Writes the seed corpora of the fuzz targets: raw frames built by Scapy for the dissector, and
# Scapy expressions for the parser. Seeds only steer the fuzzer towards deep paths quickly; they
# are committed so that `make fuzz` needs no Scapy, and rerunning this script reproduces them.
#
# Nothing here is ever sent: every packet is only turned into bytes. Ether() always gets an
# explicit src and dst (otherwise Scapy looks up a route and may ARP for the MAC), and every
# address is in 198.18.0.0/15 or 2001:db8::/32.
import os
import re
import sys

from scapy.all import (ARP, ICMP, IP, TCP, UDP, Dot1AD, Dot1Q, Ether, ICMPv6DestUnreach,
                       ICMPv6EchoReply, ICMPv6EchoRequest, ICMPv6ND_NA, ICMPv6ND_NS,
                       ICMPv6ND_RA, ICMPv6ND_RS, ICMPv6NDOptMTU, ICMPv6NDOptPrefixInfo,
                       ICMPv6NDOptSrcLLAddr, ICMPv6NDOptDstLLAddr, ICMPv6PacketTooBig,
                       ICMPv6TimeExceeded, IPOption_NOP, IPOption_RR, IPOption_Router_Alert,
                       IPv6, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, Padding, Raw, raw)

HERE = os.path.dirname(os.path.abspath(__file__))

MAC_A = "02:00:00:00:00:01"
MAC_B = "02:00:00:00:00:02"
V4_A, V4_B, V4_C = "198.18.0.1", "198.18.0.2", "198.19.255.254"
V6_A, V6_B = "2001:db8::1", "2001:db8::2"
V6_LL = "fe80::1"  # link-local source for ND, as real hosts send it


def eth(**kw):
    return Ether(src=MAC_A, dst=MAC_B, **kw)


TCP_OPTS = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (12345, 0)), ("NOP", None),
            ("WScale", 7)]

# The fuzz_dissect selector: the first byte of an input picks the first layer.
SEL_ETHER, SEL_IP, SEL_IPV6 = 0, 1, 2


def dissect_seeds():
    syn = IP(src=V4_A, dst=V4_B, id=7) / TCP(sport=40000, dport=443, flags="S", seq=1,
                                             options=TCP_OPTS)
    quoted_udp = IP(src=V4_A, dst=V4_B) / UDP(sport=5353, dport=33434) / Raw(b"q" * 12)
    quoted_tcp = IP(src=V4_A, dst=V4_B) / TCP(sport=40000, dport=80, flags="S")
    quoted6 = IPv6(src=V6_A, dst=V6_B) / TCP(sport=40000, dport=22, flags="S")
    seeds = {
        # Ethernet and IPv4
        "ether_ip_tcp_syn_opts": (SEL_ETHER, eth() / syn),
        "ether_ip_tcp_synack": (SEL_ETHER, eth() / IP(src=V4_B, dst=V4_A) /
                                TCP(sport=443, dport=40000, flags="SA", seq=99, ack=2,
                                    options=[("MSS", 1400), ("NOP", None), ("WScale", 2)])),
        "ether_ip_tcp_payload": (SEL_ETHER, eth() / IP(src=V4_A, dst=V4_B) /
                                 TCP(sport=1234, dport=80, flags="PA") /
                                 Raw(b"GET / HTTP/1.0\r\n\r\n")),
        "ether_ip_tcp_urg_eol": (SEL_ETHER, eth() / IP(src=V4_A, dst=V4_B) /
                                 TCP(flags="FSRPAUEC", urgptr=3,
                                     options=[("NOP", None), ("EOL", None)])),
        "ether_ip_udp": (SEL_ETHER, eth() / IP(src=V4_A, dst=V4_C) /
                         UDP(sport=5353, dport=53) / Raw(b"\x12\x34\x01\x00\x00\x01")),
        "ether_ip_udp_padded": (SEL_ETHER, eth() / IP(src=V4_A, dst=V4_B) / UDP() /
                                Raw(b"x") / Padding(b"\0" * 17)),
        "ether_ip_opts_tcp": (SEL_ETHER, eth() /
                              IP(src=V4_A, dst=V4_B,
                                 options=[IPOption_Router_Alert(), IPOption_NOP(),
                                          IPOption_RR(routers=[V4_C])]) / TCP()),
        "ether_ip_frag": (SEL_ETHER, eth() / IP(src=V4_A, dst=V4_B, flags="MF", frag=0) /
                          UDP() / Raw(b"A" * 64)),
        "ether_ip_frag_later": (SEL_ETHER, eth() / IP(src=V4_A, dst=V4_B, proto=17, frag=8) /
                                Raw(b"B" * 40)),
        "ether_ip_icmp_echo": (SEL_ETHER, eth() / IP(src=V4_A, dst=V4_B) /
                               ICMP(id=0x1234, seq=1) / Raw(b"ping")),
        "ether_ip_icmp_unreach_udp": (SEL_ETHER, eth() / IP(src=V4_B, dst=V4_A) /
                                      ICMP(type=3, code=3) / quoted_udp),
        "ether_ip_icmp_unreach_tcp": (SEL_ETHER, eth() / IP(src=V4_B, dst=V4_A) /
                                      ICMP(type=3, code=1) / quoted_tcp),
        "ether_ip_icmp_ttl_exceeded": (SEL_ETHER, eth() / IP(src=V4_C, dst=V4_A) /
                                       ICMP(type=11, code=0) /
                                       IP(src=V4_A, dst=V4_B, ttl=1) / ICMP(id=5, seq=9)),
        "ether_ip_icmp_quote_cut": (SEL_ETHER, eth() / IP(src=V4_B, dst=V4_A) /
                                    ICMP(type=3, code=3) / Raw(raw(quoted_tcp)[:28])),
        "ether_ip_jumbo_payload": (SEL_ETHER, eth() / IP(src=V4_A, dst=V4_B) /
                                   UDP(sport=9, dport=9) / Raw(bytes(range(256)) * 5)),
        # ARP and VLANs
        "ether_arp_request": (SEL_ETHER, eth() / ARP(op=1, hwsrc=MAC_A, psrc=V4_A, pdst=V4_B)),
        "ether_arp_reply": (SEL_ETHER, eth() / ARP(op=2, hwsrc=MAC_B, psrc=V4_B, hwdst=MAC_A,
                                                   pdst=V4_A)),
        "ether_dot1q_ip_tcp": (SEL_ETHER, eth() / Dot1Q(vlan=100, prio=5) / syn),
        "ether_qinq_ip_udp": (SEL_ETHER, eth() / Dot1AD(vlan=10) / Dot1Q(vlan=20) /
                              IP(src=V4_A, dst=V4_B) / UDP()),
        "ether_dot1q_dot1q_ipv6": (SEL_ETHER, eth() / Dot1Q(vlan=1) / Dot1Q(vlan=4094, id=1) /
                                   IPv6(src=V6_A, dst=V6_B) / UDP()),
        "ether_dot1q_arp": (SEL_ETHER, eth() / Dot1Q(vlan=7) / ARP(psrc=V4_A, pdst=V4_B,
                                                                  hwsrc=MAC_A)),
        # IPv6, ICMPv6, neighbour discovery
        "ether_ipv6_tcp": (SEL_ETHER, eth() / IPv6(src=V6_A, dst=V6_B, fl=0x12345) /
                           TCP(flags="S", options=TCP_OPTS)),
        "ether_ipv6_udp": (SEL_ETHER, eth() / IPv6(src=V6_A, dst=V6_B) / UDP(dport=123) /
                           Raw(b"\x23" + b"\0" * 47)),
        "ether_ipv6_echo": (SEL_ETHER, eth() / IPv6(src=V6_A, dst=V6_B) /
                            ICMPv6EchoRequest(id=1, seq=2, data=b"abcd")),
        "ether_ipv6_echo_reply": (SEL_ETHER, eth() / IPv6(src=V6_B, dst=V6_A) /
                                  ICMPv6EchoReply(id=1, seq=2, data=b"abcd")),
        "ether_ipv6_nd_ns": (SEL_ETHER, eth() / IPv6(src=V6_LL, dst="ff02::1:ff00:2", hlim=255) /
                             ICMPv6ND_NS(tgt=V6_B) / ICMPv6NDOptSrcLLAddr(lladdr=MAC_A)),
        "ether_ipv6_nd_na": (SEL_ETHER, eth() / IPv6(src=V6_B, dst=V6_LL, hlim=255) /
                             ICMPv6ND_NA(tgt=V6_B, R=0, S=1, O=1) /
                             ICMPv6NDOptDstLLAddr(lladdr=MAC_B)),
        "ether_ipv6_nd_rs": (SEL_ETHER, eth() / IPv6(src=V6_LL, dst="ff02::2", hlim=255) /
                             ICMPv6ND_RS() / ICMPv6NDOptSrcLLAddr(lladdr=MAC_A)),
        "ether_ipv6_nd_ra": (SEL_ETHER, eth() / IPv6(src=V6_LL, dst="ff02::1", hlim=255) /
                             ICMPv6ND_RA(routerlifetime=1800) /
                             ICMPv6NDOptSrcLLAddr(lladdr=MAC_A) / ICMPv6NDOptMTU(mtu=1500) /
                             ICMPv6NDOptPrefixInfo(prefix="2001:db8:1::", prefixlen=64)),
        "ether_ipv6_unreach": (SEL_ETHER, eth() / IPv6(src=V6_B, dst=V6_A) /
                               ICMPv6DestUnreach(code=4) / quoted6),
        "ether_ipv6_toobig": (SEL_ETHER, eth() / IPv6(src=V6_B, dst=V6_A) /
                              ICMPv6PacketTooBig(mtu=1280) /
                              IPv6(src=V6_A, dst=V6_B) / UDP() / Raw(b"z" * 32)),
        "ether_ipv6_time_exceeded": (SEL_ETHER, eth() / IPv6(src=V6_B, dst=V6_A) /
                                     ICMPv6TimeExceeded() / IPv6(src=V6_A, dst=V6_B, hlim=1) /
                                     ICMPv6EchoRequest()),
        "ether_ipv6_hbh_frag_udp": (SEL_ETHER, eth() / IPv6(src=V6_A, dst=V6_B) /
                                    IPv6ExtHdrHopByHop() / IPv6ExtHdrFragment(m=1, id=5) /
                                    UDP() / Raw(b"f" * 16)),
        # Starting above Ethernet, as a capture on a raw IP link would.
        "ip_tcp_syn_opts": (SEL_IP, syn),
        "ip_icmp_unreach_udp": (SEL_IP, IP(src=V4_B, dst=V4_A) / ICMP(type=3, code=3) /
                                quoted_udp),
        "ipv6_nd_ns": (SEL_IPV6, IPv6(src=V6_LL, dst="ff02::1:ff00:2", hlim=255) /
                       ICMPv6ND_NS(tgt=V6_B) / ICMPv6NDOptSrcLLAddr(lladdr=MAC_A)),
        "ipv6_udp": (SEL_IPV6, IPv6(src=V6_A, dst=V6_B) / UDP(sport=1, dport=2) / Raw(b"u")),
    }
    out = {name: bytes([sel]) + raw(pkt) for name, (sel, pkt) in seeds.items()}

    # Broken on purpose: lengths that lie, headers cut short, options that run off the end.
    good = raw(eth() / syn)
    out["bad_truncated_tcp"] = bytes([SEL_ETHER]) + good[:14 + 20 + 9]
    out["bad_truncated_ip"] = bytes([SEL_ETHER]) + good[:14 + 11]
    bad_len = bytearray(raw(eth() / IP(src=V4_A, dst=V4_B) / UDP() / Raw(b"12345678")))
    bad_len[14 + 2:14 + 4] = (9).to_bytes(2, "big")      # IP total length inside its header
    bad_len[14 + 20 + 4:14 + 20 + 6] = (4000).to_bytes(2, "big")  # UDP length past the end
    out["bad_lengths_ip_udp"] = bytes([SEL_ETHER]) + bytes(bad_len)
    bad_ihl = bytearray(raw(eth() / IP(src=V4_A, dst=V4_B) / TCP()))
    bad_ihl[14] = 0x4f                                   # ihl 15: options past the end
    out["bad_ihl_15"] = bytes([SEL_ETHER]) + bytes(bad_ihl)
    bad_dataofs = bytearray(raw(eth() / IP(src=V4_A, dst=V4_B) / TCP()))
    bad_dataofs[14 + 20 + 12] = 0xf0                     # dataofs 15 with no options at all
    out["bad_tcp_dataofs_15"] = bytes([SEL_ETHER]) + bytes(bad_dataofs)
    bad_opt = bytearray(raw(eth() / IP(src=V4_A, dst=V4_B) / TCP(options=[("MSS", 1460)])))
    bad_opt[14 + 20 + 21] = 0xff                         # an option longer than the header
    out["bad_tcp_optlen"] = bytes([SEL_ETHER]) + bytes(bad_opt)
    out["bad_ipv6_plen_short"] = bytes([SEL_ETHER]) + raw(
        eth() / IPv6(src=V6_A, dst=V6_B, plen=3) / UDP() / Raw(b"tail"))
    out["bad_empty_after_selector"] = bytes([SEL_ETHER])
    return out


def tunnel_seeds():
    """Tunnels and SCTP (issue 10, wave 2): one frame per layer and chunk kind, and hostile
    ones: chunk lengths past the end, zero or under the header, GRE options cut short, MPLS
    stacks with no bottom entry."""
    from scapy.all import GRE, SCTP, VXLAN, load_contrib
    from scapy.layers import sctp as S
    load_contrib("mpls")
    load_contrib("geneve")
    from scapy.contrib.mpls import MPLS, EoMCW
    from scapy.contrib.geneve import GENEVE
    ip = IP(src=V4_A, dst=V4_B)
    inner = Ether(src=MAC_B, dst=MAC_A) / IP(src=V4_B, dst=V4_A) / ICMP()
    sc = SCTP(sport=5000, dport=80)
    out = {
        "tun_vxlan": eth() / ip / UDP(sport=1024, dport=4789) / VXLAN(vni=42) / inner,
        "tun_vxlan_gpe_gbp": eth() / ip / UDP(sport=1024, dport=4790) /
        VXLAN(flags="G+NextProtocol", NextProtocol=1, gpid=7) / IP(src=V4_B, dst=V4_A),
        "tun_gre_all_options": eth() / ip / GRE(chksum_present=1, key_present=1,
                                                seqnum_present=1, key=7, sequence_number=9) /
        IP(src=V4_B, dst=V4_A) / UDP(),
        "tun_gre_routing": eth() / ip / GRE(routing_present=1) /
        Raw(b"\x08\x00\x00\x04\xc6\x12\x00\x09\x00\x00\x00\x00"),
        "tun_gre_pptp": eth() / ip / GRE(proto=0x880b, key_present=1, seqnum_present=1),
        "tun_gre_teb_mpls": eth() / ip / GRE() / MPLS(label=16) / MPLS(label=17) /
        IP(src=V4_B, dst=V4_A),
        "tun_mpls_stack": eth() / MPLS(label=100) / MPLS(label=200) / ip / ICMP(),
        "tun_mpls_eomcw": eth() / MPLS(label=5) / EoMCW(seq=1) / inner,
        "tun_geneve": eth() / ip / UDP(sport=1024, dport=6081) /
        GENEVE(vni=9, options=b"\x01\x02\x80\x01abcd") / inner,
        "tun_sctp_init": eth() / ip / sc / S.SCTPChunkInit(params=b"\x00\x05\x00\x08\xc6\x12\x00\x01"),
        "tun_sctp_chunks": eth() / ip / sc / S.SCTPChunkCookieEcho(cookie=b"abc") /
        S.SCTPChunkData(data=b"x") / S.SCTPChunkSACK(n_gap_ack=1, len=20) /
        Raw(b"\x00\x01\x00\x02"),
        "tun_sctp_more": eth() / ip / sc / S.SCTPChunkAbort(error_causes=b"ab") /
        S.SCTPChunkAuthentication(HMAC=b"0123") / S.SCTPChunkAddressConf(seq=1) /
        S.SCTPChunkHeartbeatReq(params=b"\x00\x01\x00\x05z") / S.SCTPChunkShutdownComplete(),
        "tun_icmp_quoting_sctp": eth() / IP(src=V4_B, dst=V4_A) / ICMP(type=3, code=3) /
        inet_quote(S.SCTPerror(sport=5000, dport=80) / S.SCTPChunkInit()),
        "bad_sctp_chunk_len_past_end": eth() / ip / sc / S.SCTPChunkCookieEcho(len=100, cookie=b"ab"),
        "bad_sctp_chunk_len_zero": eth() / ip / sc / S.SCTPChunkData(len=0, data=b"abcd"),
        "bad_sctp_chunk_len_under_header": eth() / ip / sc / S.SCTPChunkInit(len=8) /
        S.SCTPChunkCookieAck(),
        "bad_mpls_no_bottom": eth() / MPLS(s=0) / MPLS(s=0) / Raw(b"\x01\x02"),
    }
    out = {k: bytes([SEL_ETHER]) + raw(v) for k, v in out.items()}
    cut = raw(eth() / ip / GRE(chksum_present=1, key_present=1) / IP(src=V4_B, dst=V4_A))
    out["bad_gre_options_cut"] = bytes([SEL_ETHER]) + cut[:14 + 20 + 9]
    return out


def inet_quote(upper):
    from scapy.all import IPerror
    return IPerror(src=V4_A, dst=V4_B) / upper


def wave2_seeds():
    """BOOTP, DHCP and NTP frames, well formed and hostile (wave 2)."""
    from scapy.layers.dhcp import BOOTP, DHCP
    from scapy.layers.ntp import NTPHeader

    def dhcp(opts, **kw):
        return raw(eth() / IP(src=V4_A, dst=V4_B) / UDP(sport=68, dport=67) /
                   BOOTP(chaddr=b"\x02\x00\x00\x00\x00\x01", xid=7, **kw) / DHCP(options=opts))

    def ntp(**kw):
        return raw(eth() / IP(src=V4_A, dst=V4_B) / UDP(sport=123, dport=123) /
                   NTPHeader(orig=0, sent=3900000000, **kw))

    full = [("message-type", "discover"), ("param_req_list", [1, 3, 6, 15, 121]),
            ("client_id", b"\x01\x02\x00\x00\x00\x00\x01"), ("hostname", "c1"),
            ("requested_addr", V4_B), ("lease_time", 3600), ("name_server", V4_A, V4_B),
            ("classless_static_routes", "198.18.0.0/15:198.18.0.1"), (224, b"xy"), "end"]
    out = {"dhcp_discover": dhcp(full), "dhcp_offer": dhcp(
        [("message-type", "offer"), ("server_id", V4_A), ("subnet_mask", "255.255.255.0"),
         ("router", V4_A), ("domain", b"test"), "end", "pad", "pad"], op=2, yiaddr=V4_B)}
    base = dhcp([("message-type", "discover"), "end"])
    head = len(base) - 4  # where the options start (after the cookie)
    for name, tail in {"len_past_end": b"\x35\x01\x01\x0c\x40ab",  # length runs past the end
                       "no_end": b"\x35\x01\x01\x33\x04\x00\x00\x0e\x10",  # no "end"
                       "zero_lengths": b"\x35\x00\x01\x00\x37\x00\x3d\x00\x0c\x00\xff",
                       "code_at_end": b"\x35\x01\x01\x33",  # a code and no length byte
                       "ip_len_3": b"\x01\x03\xc6\x12\x00\xff",  # an address cut short
                       "int_len_6": b"\x33\x06\x00\x00\x00\x01\x00\x02\xff",
                       "routes_bad_prefix": b"\x79\x05\x21\xc6\x12\x00\x01\xff",
                       "routes_cut": b"\x79\x04\x18\xc6\x12\x00\xff",
                       "all_pad": b"\x00" * 40}.items():
        frame = bytearray(base[:head] + tail)
        frame[16:18] = (len(frame) - 14).to_bytes(2, "big")          # IP total length
        frame[38:40] = (len(frame) - 34).to_bytes(2, "big")          # UDP length
        out["bad_dhcp_" + name] = bytes([SEL_ETHER]) + bytes(frame)
    out = {k: (v if k.startswith("bad_") else bytes([SEL_ETHER]) + v) for k, v in out.items()}
    out["bad_bootp_cut_in_chaddr"] = bytes([SEL_ETHER]) + base[:14 + 20 + 8 + 32]
    out["bad_bootp_cut_in_cookie"] = bytes([SEL_ETHER]) + base[:head - 2]
    out["ntp_client"] = bytes([SEL_ETHER]) + ntp()
    out["ntp_server_stratum1"] = bytes([SEL_ETHER]) + ntp(mode=4, stratum=1, ref_id=b"GPS ")
    out["bad_ntp_short"] = bytes([SEL_ETHER]) + ntp()[:14 + 20 + 8 + 20]
    out["bad_ntp_mode6"] = bytes([SEL_ETHER]) + ntp(mode=6)
    return out


EXPRESSIONS = {
    "ether_ip_tcp": 'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/IP(dst="198.18.0.1")/TCP()',
    "ip_tcp_flags": 'IP(dst="198.18.0.0/30", ttl=(1,3))/TCP(dport=[22,80,443], flags="SA")',
    "ip_udp_payload": 'IP(src="198.18.0.9", dst="198.19.0.1")/UDP(sport=5353, dport=53)/"hello"',
    "bytes_payload": 'IP(dst="198.18.1.1")/UDP()/b"\\x00\\x01\\xff\\n"',
    "ipv6_tcp": 'IPv6(src="2001:db8::1", dst="2001:db8::/126")/TCP(sport=1024, dport=(1,5))',
    "ipv6_udp": 'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/IPv6(dst="2001:db8::2", hlim=1)/UDP()',
    "tcp_options": 'IP(dst="198.18.0.2")/TCP(options=[("MSS",1460),("SAckOK",b""),("Timestamp",(1,0)),("NOP",None),("WScale",7)])',
    "ip_options": 'IP(dst="198.18.0.2", options=b"\\x94\\x04\\x00\\x00")/TCP()',
    "rand": 'IP(dst="198.18.0.3", id=RandShort())/TCP(sport=RandShort(), seq=RandInt())',
    "fuzz": 'fuzz(IP(dst="198.18.0.4")/TCP())',
    "fuzz_inner": 'IP(dst="198.18.0.4")/fuzz(UDP())',
    "repeat": 'IP(dst="198.18.0.5")/UDP()/("A"*100)',
    "hex_ints": 'IP(dst="198.18.0.6", tos=0x10, flags="DF", frag=0)/TCP(seq=0xffffffff, ack=-1)',
    "arp": 'Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff")/ARP(pdst="198.18.0.0/29")',
    "dot1q": 'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/Dot1Q(vlan=[1,2,3])/IP(dst="198.18.0.7")/ICMP()',
    "icmp": 'IP(dst="198.18.0.8")/ICMP(type="echo-request", id=1, seq=(1,4))',
    "icmpv6": 'IPv6(dst="2001:db8::8")/ICMPv6EchoRequest(id=1, seq=[1,2])',
    "nd_ns": 'IPv6(dst="ff02::1:ff00:2")/ICMPv6ND_NS(tgt="2001:db8::2")/ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:01")',
    "raw_only": 'Raw(load="just bytes")',
    "names": 'IP(dst="198.18.0.9", proto="udp")/TCP(sport="http", dport="https")',
    "strings_escapes": "IP(dst='198.18.0.10')/UDP()/'\\t\\r\\n\\'\\\\\\x41\\u00e9'",
    "nested_lists": 'IP(dst=["198.18.0.1","198.18.0.2/31"])/TCP(dport=[(1,3),80])',
    "bad_unclosed": 'IP(dst="198.18.0.1"/TCP(',
    "bad_field": 'IP(nosuchfield=1)/TCP()',
    "bad_layer": 'NoSuchLayer()/TCP()',
    "bad_string": 'IP(dst="198.18.0.1)',
    "bad_cidr": 'IP(dst="198.18.0.0/33")',
    "bad_overflow": 'TCP(dport=99999999999999999999999)',
    "bad_trailing": 'IP()/TCP())',
    "bad_empty": '',
    # wave 2
    "dhcp": 'Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff")/IP(src="0.0.0.0", dst="255.255.255.255")/UDP(sport=68, dport=67)/BOOTP(chaddr=b"\\x02\\x00\\x00\\x00\\x00\\x01", xid=(1,3), flags="B")/DHCP(options=[("message-type","discover"),("param_req_list",[1,3,6]),(224,b"x"),"end"])',
    "ntp": 'IP(dst="198.18.0.2")/UDP()/NTP(orig=5, delay=1, stratum=[1,8])',
    "bad_dhcp_option": 'IP()/UDP()/BOOTP()/DHCP(options=[("no_such_option",1)])',
}


def write(dirname, items):
    path = os.path.join(HERE, "corpus", dirname)
    os.makedirs(path, exist_ok=True)
    for name, data in sorted(items.items()):
        with open(os.path.join(path, name), "wb") as f:
            f.write(data)
    print(f"make_seeds: {len(items)} seeds in {os.path.relpath(path)}", file=sys.stderr)


# Words of the expression language for libFuzzer's -dict: punctuation and literals here,
# layer and field names read from the protocol tables, so new protocols join by rerunning.
EXPR_TOKENS = ['/', '(', ')', '[', ']', ',', '=', '*', '-', '"', "'", 'b"', '\\x', '0x',
               '/24', '/64', 'None', 'True', 'False', 'fuzz(', 'RandShort()', 'RandInt()',
               'RandByte()', 'RandLong()', 'RandIP("198.18.0.0/16")', 'RandIP6()', 'RandMAC()',
               '"198.18.0.1"', '"2001:db8::1"', '"02:00:00:00:00:01"', '(1,3)', '[1,2]',
               '"SA"', '"MF+DF"', 'options=', 'load=']


def write_dict():
    names = set()
    proto_dir = os.path.join(HERE, "..", "..", "user", "proto")
    for fn in sorted(os.listdir(proto_dir)):
        if fn.endswith(".c"):
            with open(os.path.join(proto_dir, fn)) as f:
                names.update(re.findall(r'\.name = "([A-Za-z0-9_]+)"', f.read()))
    words = EXPR_TOKENS + sorted(names)
    path = os.path.join(HERE, "expr.dict")
    with open(path, "w") as f:
        f.write("# libFuzzer dictionary for fuzz_expr, written by make_seeds.py\n")
        for w in words:
            f.write('"%s"\n' % w.replace("\\", "\\\\").replace('"', '\\"'))
    print(f"make_seeds: {len(words)} words in {os.path.relpath(path)}", file=sys.stderr)


def main():
    write("dissect", {**dissect_seeds(), **tunnel_seeds(), **wave2_seeds()})
    write("expr", {k: v.encode() for k, v in EXPRESSIONS.items()})
    write_dict()


if __name__ == "__main__":
    main()
