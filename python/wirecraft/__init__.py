"""wirecraft for Python: Scapy's syntax at wirecraft's speed.

Packets are written as Scapy expressions and built, dissected, sent and matched by
libwirecraft (C), not by Python code and not by running the wirecraft command::

    import wirecraft as wc
    pkts = wc.build('Ether()/IP(dst="198.18.0.0/24")/TCP(dport=[22,80], flags="S")')
    len(pkts)                    # 512, without building any of them
    raw = bytes(pkts[0])
    p = wc.dissect(raw)
    p["TCP"].dport, p.summary(), p.show(), p.json()

Names and behaviour follow Scapy where they overlap: ls, rdpcap, wrpcap, PcapReader,
summary, show (and, for the datapath, sr, sr1, srp, srp1, send, sendp, sniff). Values read
from fields are plain Python values: int for integers, enums and flags (as their numbers),
str for MAC, IPv4 and IPv6 addresses, bytes for byte fields, Scapy's [(name, value)] list
for TCP options, None for a conditional field the packet does not have.
"""

from ._wirecraft import (  # noqa: F401  (the C half)
    ExprError,
    Layer,
    Packet,
    PacketSet,
    build,
    dissect,
    wrpcap,
)
from . import _wirecraft as _c

__all__ = [
    "ExprError", "Layer", "Packet", "PacketSet", "PacketList", "PcapReader",
    "build", "dissect", "ls", "rdpcap", "wrpcap",
]


class PacketList(list):
    """A list of Packets, as Scapy's PacketList: summary(), nsummary(), show()."""

    def __init__(self, res=(), name="PacketList"):
        super().__init__(res)
        self.listname = name

    def summary(self):
        """Print one summary line per packet."""
        for p in self:
            print(p.summary())

    def nsummary(self):
        """Print one numbered summary line per packet."""
        for i, p in enumerate(self):
            print("%04d %s" % (i, p.summary()))

    def show(self):
        """Scapy's PacketList.show(): the numbered summaries."""
        self.nsummary()

    def __repr__(self):
        counts = {}
        for p in self:
            names = p.layers()
            key = next((n for n in ("TCP", "UDP", "ICMP") if n in names), "Other")
            counts[key] = counts.get(key, 0) + 1
        parts = " ".join("%s:%d" % (k, counts.get(k, 0)) for k in ("TCP", "UDP", "ICMP", "Other"))
        return "<%s: %s>" % (self.listname, parts)


class PcapReader:
    """Packets of a pcap or pcapng file, one at a time (Scapy's PcapReader)::

        with wc.PcapReader("in.pcap") as r:
            for p in r: ...
    """

    def __init__(self, filename):
        self._r = _c._PcapReader(filename)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._r)

    def read_packet(self):
        """The next Packet, or None at the end of the file."""
        return next(self._r, None)

    @property
    def linktype(self):
        """libpcap's DLT_ value of the file."""
        return self._r.linktype

    def close(self):
        self._r.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def rdpcap(filename, count=-1):
    """Read a pcap or pcapng file into a PacketList (count >= 0: at most that many)."""
    out = PacketList(name=str(filename))
    with PcapReader(filename) as r:
        for p in r:
            if count >= 0 and len(out) >= count:
                break
            out.append(p)
    return out


def ls(obj=None):
    """Scapy's ls(): every layer, or one layer's fields (name, kind, width, default).

    obj is a layer name ("TCP"), a Packet or Layer (its fields and their values), or None.
    """
    if obj is None:
        for name, title in _c._layers():
            print("%-28s: %s" % (name, title))
        return
    if isinstance(obj, Packet):
        for i in range(len(obj.layers())):
            _ls_layer(obj[i])
        return
    if isinstance(obj, Layer):
        _ls_layer(obj)
        return
    name = obj if isinstance(obj, str) else getattr(obj, "__name__", obj)
    for fname, kind, bits, default in _c._fields(name):
        width = "%u bits" % bits if bits else "variable"
        default = "(computed)" if default is None else default or "(conditional)"
        print("%-12s: %-12s %-9s = %s" % (fname, kind, width, default))


def _ls_layer(layer):
    print("###[ %s ]###" % layer.name)
    for k, v in layer.fields.items():
        print("  %-10s = %r" % (k, v))
