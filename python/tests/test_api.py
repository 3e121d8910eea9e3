"""The offline API: packet sets, packets, views, pcap files, ls, and bad input."""
import errno
import json
import os
import subprocess
import time

import pytest

import wirecraft as wc
from conftest import cli

E = 'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")'
SYN = E + '/IP(src="198.18.0.1", dst="198.18.0.0/24")/TCP(dport=[22,80], flags="S")'


def test_set_is_lazy():
    t = time.monotonic()
    s = wc.build('IP(dst="10.0.0.0/8")/TCP(dport=[22,80,443])')
    assert len(s) == 3 * 2 ** 24
    assert s.count == 3 * 2 ** 24
    # the last packet, without walking to it
    last = s[-1]
    assert last["IP"].dst == "10.255.255.255" and last["TCP"].dport == 443
    assert time.monotonic() - t < 1.0
    assert s.fast
    huge = wc.build('IPv6(dst="2001:db8::/66")/TCP(dport=[1,2,3])')
    with pytest.raises(OverflowError):
        len(huge)
    assert huge.count == 3 * 2 ** 62
    assert wc.build('IPv6(dst="2001:db8::/64")/TCP(dport=[1,2])').count == float("inf")


def test_order_index_and_iteration():
    s = wc.build(SYN)
    assert len(s) == 512
    raws = list(s.raw())
    assert len(raws) == 512
    assert [bytes(p) for p in s] == raws
    assert bytes(s[5]) == raws[5] and bytes(s[-1]) == raws[-1]
    # Scapy's order: the payload's fields vary fastest
    assert [s[i]["TCP"].dport for i in range(4)] == [22, 80, 22, 80]
    assert s[2]["IP"].dst == "198.18.0.1"
    with pytest.raises(IndexError):
        s[512]
    with pytest.raises(IndexError):
        s[-513]
    # count: repetitions of the whole set (Scapy's meaning)
    assert list(s.raw(count=3)) == raws * 3
    assert len(list(s.packets(count=2))) == 1024


def test_same_bytes_as_cli():
    s = wc.build(SYN)
    assert [b.hex() for b in s.raw()] == cli("build", SYN).stdout.split()


def test_seed_makes_random_fields_repeatable():
    e = 'IP(dst="198.18.0.1", id=RandShort())/UDP(sport=RandShort())'
    a = wc.build(e, seed=7)
    b = wc.build(e, seed=7)
    assert list(a.packets(count=5)) == list(b.packets(count=5))
    assert bytes(a[0]).hex() == cli("build", "--seed", "7", e).stdout.split()[0]


def test_packet_views_match_cli():
    raw = bytes(wc.build(SYN + '/"hello"')[3])
    p = wc.dissect(raw)
    assert p.layers() == ["Ether", "IP", "TCP", "Raw"]
    assert p["TCP"].dport == 80 and p["TCP"].flags == 2 and p["Raw"].load == b"hello"
    assert p["IP"].src == "198.18.0.1" and p["Ether"].dst == "02:00:00:00:00:02"
    assert p.summary() == cli("dissect", "--summary", raw.hex()).stdout.strip()
    assert p.show(dump=True) + "\n" == cli("dissect", raw.hex()).stdout
    assert json.loads(p.json()) == json.loads(cli("dissect", "--json", raw.hex()).stdout)
    assert "TCP" in p and "UDP" not in p and p.haslayer("IP")
    assert p.getlayer("UDP") is None and p.getlayer("IP").ttl == 64
    assert p["IP"].payload.name == "TCP"
    assert p["IP"].fields["ttl"] == 64
    assert p[-1].name == "Raw" and len(p) == len(raw) and bytes(p) == raw
    assert p == raw and p == wc.dissect(raw)


def test_show_prints(capsys):
    p = wc.dissect(bytes(wc.build(SYN)[0]))
    p.show()
    assert capsys.readouterr().out == p.show(dump=True) + "\n"  # print()'s newline, as Scapy


def test_first_layer_and_options():
    raw = bytes(wc.build('IPv6(src="2001:db8::1", dst="2001:db8::2")/TCP(options=[("MSS", 1460), '
                         '("SAckOK", b""), ("Timestamp", (1, 2)), ("NOP", None), ("WScale", 7)])')[0])
    p = wc.dissect(raw, first="IPv6")
    assert p["IPv6"].dst == "2001:db8::2"
    assert p["TCP"].options == [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1, 2)),
                                ("NOP", None), ("WScale", 7)]
    # a conditional field the packet lacks is None, as in Scapy
    icmp = wc.dissect(bytes(wc.build('IP(src="198.18.0.1", dst="198.18.0.2")/ICMP()')[0]), "IP")
    assert icmp["ICMP"].gw is None and icmp["ICMP"].id == 0


def test_to_scapy():
    pytest.importorskip("scapy.all")
    raw = bytes(wc.build(SYN)[7])
    sp = wc.dissect(raw).to_scapy()
    assert bytes(sp) == raw
    assert sp.summary() == wc.dissect(raw).summary()


def test_pcap_roundtrip(tmp_path):
    s = wc.build(SYN)
    f = tmp_path / "out.pcap"
    wc.wrpcap(str(f), s)
    back = wc.rdpcap(str(f))
    assert len(back) == 512 and [bytes(p) for p in back] == list(s.raw())
    assert back[0].time > 1e9
    # the CLI reads it too
    assert len(cli("dissect", "-r", str(f), "--summary").stdout.splitlines()) == 512
    # IP-first packets: a raw-IP capture, dissected from IP
    ip = wc.build('IP(src="198.18.0.1", dst="198.18.0.2")/UDP(dport=[1000,1001])')
    wc.wrpcap(str(f), ip)
    back = wc.rdpcap(str(f))
    assert back[1].layers() == ["IP", "UDP"] and back[1]["UDP"].dport == 1001
    # lists of packets and bytes, and count
    wc.wrpcap(str(f), [ip[0], bytes(s[0])])
    assert len(wc.rdpcap(str(f), count=1)) == 1
    with wc.PcapReader(str(f)) as r:
        assert r.read_packet() is not None


def test_offline_filter(tmp_path):
    """sniff(offline=, filter=) and PcapReader(filter=): libpcap's filter, compiled for the
    file's link type, keeps what tcpdump -r keeps."""
    f = tmp_path / "syn.pcap"
    wc.wrpcap(str(f), wc.build(SYN))
    for flt, want in [("tcp dst port 80", 256), ("dst host 198.18.0.7 and dst port 22", 1),
                      ("udp", 0), ("", 512), (None, 512)]:
        got = wc.sniff(offline=str(f), filter=flt)
        assert len(got) == want, flt
        if flt:
            assert flt != "tcp dst port 80" or all(p["TCP"].dport == 80 for p in got)
            td = subprocess.run(["tcpdump", "-nr", str(f), flt], capture_output=True, text=True)
            assert td.returncode == 0 and len(td.stdout.splitlines()) == want, flt
    with wc.PcapReader(str(f), filter="dst host 198.18.0.9") as r:
        assert [p["IP"].dst for p in r] == ["198.18.0.9", "198.18.0.9"]
    # a raw-IP capture: the filter is compiled for its link type, not for Ethernet
    wc.wrpcap(str(f), wc.build('IP(src="198.18.0.1", dst="198.18.0.2")/UDP(dport=[1000,1001])'))
    got = wc.sniff(offline=str(f), filter="udp dst port 1001")
    assert len(got) == 1 and got[0]["UDP"].dport == 1001
    # count and lfilter apply after the filter, as in Scapy
    assert len(wc.sniff(offline=str(f), filter="udp", count=1)) == 1
    for bad in ["tcp dst port", "nonsense here", "ether proto 99999"]:
        with pytest.raises(ValueError, match="^filter: "):
            wc.sniff(offline=str(f), filter=bad)
    with pytest.raises(ValueError, match="^filter: "):
        wc.PcapReader(str(f), filter="port 80 and")


def test_ls(capsys):
    wc.ls("TCP")
    assert capsys.readouterr().out == cli("ls", "TCP").stdout
    wc.ls()
    assert capsys.readouterr().out == cli("ls").stdout


# ---- bad input: exceptions, never a crash ---------------------------------------------------

@pytest.mark.parametrize("expr,col", [
    ('IP(dst=1', 8),
    ('Nope()', 1),
    ('IP(ttl=300)', 0),
    ('IP()/TCP(dport=[22,80)', 0),
    ('', 0),
    ('IP(dst="198.18.0.0/33")', 0),
])
def test_bad_expressions(expr, col):
    with pytest.raises(wc.ExprError) as ei:
        wc.build(expr)
    e = ei.value
    assert isinstance(e, ValueError)
    assert e.msg and e.expr == expr and isinstance(e.col, int)
    if col:
        assert e.col == col
    # the CLI says the same
    r = cli("build", expr, check=False)
    assert r.returncode != 0 and e.msg in r.stderr


def test_bad_arguments():
    with pytest.raises(TypeError):
        wc.build(42)
    with pytest.raises(TypeError):
        wc.dissect(42)
    with pytest.raises(ValueError):
        wc.dissect(b"\x00" * 20, first="NoSuchLayer")
    with pytest.raises(OSError) as ei:
        wc.dissect(b"\x00" * 70000)
    assert ei.value.errno == errno.EMSGSIZE
    with pytest.raises(ValueError):
        wc.build('IP()', seed=0)
    with pytest.raises(ValueError):
        list(wc.build('IP()').raw(count=0))
    p = wc.dissect(bytes(wc.build(SYN)[0]))
    with pytest.raises(IndexError):
        p["UDP"]
    with pytest.raises(IndexError):
        p[9]
    with pytest.raises(AttributeError):
        p["TCP"].nosuchfield
    with pytest.raises(OSError):
        wc.build('IP()', iface="nosuch0")


def test_garbage_dissects_without_crash():
    import random
    rnd = random.Random(5)
    for _ in range(500 if os.environ.get("WC_SANITIZED") == "1" else 3000):
        b = bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(0, 200)))
        for first in ("Ether", "IP", "IPv6"):
            p = wc.dissect(b, first=first)
            p.summary(), p.json(), p.show(dump=True)
            for i in range(len(p.layers())):
                p[i].fields
    assert wc.dissect(b"").layers() == []


def test_bad_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        wc.rdpcap(str(tmp_path / "missing.pcap"))
    junk = tmp_path / "junk.pcap"
    junk.write_bytes(b"not a capture at all" * 10)
    with pytest.raises(OSError):
        wc.rdpcap(str(junk))
    with pytest.raises(OSError) as ei:
        wc.wrpcap(str(tmp_path / "no" / "dir.pcap"), wc.build('IP()'))
    assert ei.value.errno == errno.ENOENT
    assert not os.path.exists(tmp_path / "no")
