#!/usr/bin/python3
# Writes the DNS seeds of the dissector corpus (tests/fuzz/corpus/dissect/dns_*): legitimate
# messages as Scapy 2.5 builds and compresses them, and hostile ones written byte by byte
# (compression loops, a pointer to itself, pointers into the header and past the message,
# chains deeper than wirecraft follows, names over 255 bytes, truncated records, huge counts,
# DNS over TCP with bad lengths). Nothing is sent; addresses are 198.18.0.0/15 only.
import os
import struct

from scapy.all import IP, TCP, UDP, DNS, DNSQR, DNSRR, DNSRRMX, DNSRRSOA, DNSRRSRV, \
    DNSRROPT, Raw, dns_compress

HERE = os.path.dirname(os.path.abspath(__file__))
SEL_IP = 1


def udp(payload, sport=53, dport=33000):
    return bytes(IP(src="198.18.0.53", dst="198.18.0.1") / UDP(sport=sport, dport=dport) /
                 Raw(payload))


def tcp(payload):
    return bytes(IP(src="198.18.0.53", dst="198.18.0.1") /
                 TCP(sport=53, dport=33000, flags="PA") / Raw(payload))


def hdr(qd=1, an=0, ns=0, ar=0, flags=0x8180, mid=0x1234):
    return struct.pack("!HHHHHH", mid, flags, qd, an, ns, ar)


def q(name=b"\x01a\x07example\x00", qtype=1):
    return name + struct.pack("!HH", qtype, 1)


def rr(name, rtype, rdata, rdlen=None):
    return name + struct.pack("!HHIH", rtype, 1, 60, len(rdata) if rdlen is None else rdlen) \
        + rdata


def seeds():
    full = DNS(id=7, qr=1, qd=DNSQR(qname="www.a.example"),
               an=DNSRR(rrname="www.a.example", type="CNAME", rdata="b.a.example") /
               DNSRR(rrname="b.a.example", rdata="198.18.0.99") /
               DNSRRMX(rrname="a.example", type="MX", preference=5, exchange="mx.a.example") /
               DNSRRSOA(rrname="a.example", mname="ns.a.example", rname="h.a.example") /
               DNSRRSRV(rrname="_x._tcp.a.example", target="b.a.example") /
               DNSRR(rrname="a.example", type="TXT", rdata=["one", "two"]) /
               DNSRR(rrname="a.example", type="AAAA", rdata="2001:db8::99"),
               ar=DNSRROPT(rclass=1232))
    comp = bytes(dns_compress(full))
    deep = b"".join(struct.pack("!H", 0xc000 | (12 + 2 * (i + 1))) for i in range(80)) + b"\0"
    long_name = b"".join(b"\x3f" + b"x" * 63 for _ in range(3)) + b"\xc0\x0c"
    s = {
        "dns_query": udp(bytes(DNS(qd=DNSQR(qname="a.example", qtype="AAAA"))), 33000, 53),
        "dns_response_full": udp(bytes(full)),
        "dns_response_compressed": udp(comp),
        "dns_mdns": udp(bytes(DNS(qr=1, an=DNSRR(rrname="h.local", rdata="198.18.0.7"))),
                        5353, 5353),
        "dns_tcp_compressed": tcp(struct.pack("!H", len(comp)) + comp),
        "dns_tcp_bad_length": tcp(struct.pack("!H", 500) + comp),
        "dns_tcp_short_length": tcp(struct.pack("!H", 3) + comp),
        "dns_ptr_self": udp(hdr() + b"\xc0\x0c" + b"\0\x01\0\x01"),
        "dns_ptr_loop2": udp(hdr() + b"\xc0\x12\0\x01\0\x01\xc0\x0c"),
        "dns_ptr_label_loop": udp(hdr() + b"\x01x\xc0\x0c\0\x01\0\x01"),
        "dns_ptr_header": udp(hdr() + b"\xc0\x02\0\x01\0\x01"),
        "dns_ptr_past_end": udp(hdr() + b"\xc3\xff\0\x01\0\x01"),
        "dns_ptr_cut": udp(hdr() + b"\x01a\xc0"),
        "dns_ptr_deep_chain": udp(hdr() + deep + b"\0\x01\0\x01"),
        "dns_name_over_255": udp(hdr() + long_name + b"\0\x01\0\x01"),
        "dns_label_types_40_80": udp(hdr(qd=2) + b"\x41ab\0\0\x01\0\x01\x81a\0\0\x01\0\x01"),
        "dns_rdata_cname_loop": udp(hdr(qd=0, an=1) + rr(b"\0", 5, b"\xc0\x17")),
        "dns_rdata_mx_oob": udp(hdr(qd=0, an=1) + rr(b"\0", 15, b"\0\x05\xcf\xff")),
        "dns_rdata_soa_loop": udp(hdr(qd=0, an=1) + rr(b"\0", 6, b"\xc0\x17\xc0\x17" +
                                                       b"\0" * 20)),
        "dns_rdata_srv_short": udp(hdr(qd=0, an=1) + rr(b"\0", 33, b"\0\x01")),
        "dns_rdlen_past_end": udp(hdr(qd=0, an=1) + rr(b"\0", 1, b"\xc6\x12", rdlen=400)),
        "dns_truncated_question": udp(hdr() + b"\x01a\x07exa"),
        "dns_truncated_rr": udp(hdr(an=1) + q() + b"\x01a\0\0\x01"),
        "dns_txt_cut_string": udp(hdr(qd=0, an=1) + rr(b"\0", 16, b"\x09abc")),
        "dns_huge_counts": udp(hdr(qd=65535, an=65535, ns=65535, ar=65535) + q()),
        "dns_many_questions": udp(hdr(qd=40) + q(b"\xc0\x0c") * 40),
        "dns_header_only": udp(hdr(qd=1)),
        "dns_opt_tlvs": udp(bytes(DNS(ar=DNSRROPT(rdata=b"\0\x0a\0\x08" + b"c" * 8))),
                            33000, 53),
    }
    return s


EXPRESSIONS = {
    "dns_query": 'IP(dst="198.18.0.2")/UDP()/DNS(rd=1, qd=DNSQR(qname="example.com", qtype="AAAA"))',
    "dns_answers": 'IP(dst="198.18.0.2")/UDP()/DNS(qr=1, an=DNSRR(rrname="a", rdata="198.18.0.1")'
                   '/DNSRR(type="TXT", rdata=["x", "y"])/DNSRRMX(exchange="m")/DNSRRSOA()/DNSRRSRV())',
    "dns_sets": 'IP(dst="198.18.0.2")/UDP()/DNS(id=[1, 2], qd=[DNSQR(qname="a"), DNSQR(qtype=(1, 3))])',
    "dns_tcp_opt": 'IP(dst="198.18.0.2")/TCP()/DNS(qd=None, ar=DNSRROPT(rdata=b"\\x00\\x0a\\x00\\x00"))',
}


def main():
    e = os.path.join(HERE, "corpus", "expr")
    for name, text in sorted(EXPRESSIONS.items()):
        with open(os.path.join(e, name), "wb") as f:
            f.write(text.encode())
    d = os.path.join(HERE, "corpus", "dissect")
    for name, b in sorted(seeds().items()):
        with open(os.path.join(d, name), "wb") as f:
            f.write(bytes([SEL_IP]) + b)
    print("make_dns_seeds: %d seeds in %s" % (len(seeds()), os.path.relpath(d)))


if __name__ == "__main__":
    main()
