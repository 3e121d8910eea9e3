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

    filter (tcpdump syntax, compiled by libpcap for the file's link type) keeps only the
    packets that pass it; a bad one raises ValueError.
    """

    def __init__(self, filename, filter=None):
        self._r = _c._PcapReader(filename, filter=filter)

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


# ---- the datapath: sr, send, sniff, scan (root; the GIL is released while they run) ------

import collections as _collections

__all__ += ["SndRcvList", "ScanResult", "Scan", "sr", "sr1", "srp", "srp1", "send", "sendp",
            "sniff", "scan"]


class SndRcvList:
    """sr()'s answers: a sequence of (sent, received) Packet pairs, as Scapy's SndRcvList
    (len, indexing, slicing, iteration, summary()). The pairs are kept as bytes by the C
    side and made into Packets when one is looked at.

    .stats holds the run's counts (probes, sent, received, answers, pair_s, ...); .rtt_us
    the round-trip time of each pair, in the same order.
    """

    def __init__(self, res=(), name="Results", stats=None, rtt_us=None):
        self._res = res
        self.listname = name
        self.stats = stats or {}
        self.rtt_us = rtt_us or []

    def __len__(self):
        return len(self._res)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._res[j] for j in range(*i.indices(len(self._res)))]
        return self._res[i]

    def __iter__(self):
        for i in range(len(self._res)):
            yield self._res[i]

    def __bool__(self):
        return len(self._res) > 0

    def summary(self):
        """Print "REQUEST ==> REPLY" per pair, as Scapy's ans.summary() (and `wirecraft sr`)."""
        for s, r in self:
            print("%s ==> %s" % (s.summary(), r.summary()))

    nsummary = summary

    def show(self):
        self.summary()

    def __repr__(self):
        return "<%s: %d pairs>" % (self.listname, len(self))


def _run_sr(pkts, iface, timeout, retry, inter, rate, multi, l3, max_answers, chainCC, kw):
    if iface is None:
        raise ValueError("no interface: iface=... (wirecraft never picks one itself)")
    if inter:
        rate = 1.0 / inter
    if rate in (None, "max"):
        rate = 0
    if timeout is None:
        timeout = 2
    pairs, rtt_us, unans, st = _c._sr(pkts, iface, timeout=float(timeout),
                                      retry=max(0, int(retry or 0)), rate=float(rate),
                                      multi=bool(multi), l3=l3, max_answers=max_answers,
                                      chainCC=chainCC, **kw)
    return (SndRcvList(pairs, stats=st, rtt_us=rtt_us),
            PacketList(unans, name="Unanswered"))


def sr(pkts, iface=None, timeout=2, retry=0, inter=0, rate=None, multi=False, verbose=None,
       chainCC=False, **kw):
    """Scapy's sr(): send the packets of a set (an expression or a PacketSet) and pair each
    answer with its probe. Returns (answered, unanswered): SndRcvList of (sent, received)
    and PacketList, both from the IP layer up as Scapy's layer-3 sr() gives them.

    iface is needed (the next hop's MAC is asked for there); timeout counts from the last
    probe; retry resends the unanswered; rate (probes/s, None: as fast as possible) or
    inter (seconds between probes). Ctrl-C stops it and returns what was found, as in
    Scapy (chainCC=True raises KeyboardInterrupt after). Other options: pass_replies,
    no_cookie, queues, seed, unans=False (do not collect the unanswered).
    """
    return _run_sr(pkts, iface, timeout, retry, inter, rate, multi, True, 0, chainCC, kw)


def srp(pkts, iface=None, timeout=2, retry=0, inter=0, rate=None, multi=False, verbose=None,
        chainCC=False, **kw):
    """Scapy's srp(): sr() at layer 2: the pairs are whole Ethernet frames."""
    return _run_sr(pkts, iface, timeout, retry, inter, rate, multi, False, 0, chainCC, kw)


def sr1(pkts, iface=None, timeout=2, retry=0, inter=0, rate=None, verbose=None, chainCC=False,
        **kw):
    """Scapy's sr1(): the first answer (a Packet from the IP layer up), or None."""
    ans, _ = _run_sr(pkts, iface, timeout, retry, inter, rate, False, True, 1, chainCC,
                     dict(kw, unans=False))
    return ans[0][1] if ans else None


def srp1(pkts, iface=None, timeout=2, retry=0, inter=0, rate=None, verbose=None, chainCC=False,
         **kw):
    """Scapy's srp1(): the first answer as a whole frame, or None."""
    ans, _ = _run_sr(pkts, iface, timeout, retry, inter, rate, False, False, 1, chainCC,
                     dict(kw, unans=False))
    return ans[0][1] if ans else None


def _run_send(pkts, iface, count, loop, inter, rate, l3, chainCC, kw):
    if inter:
        rate = 1.0 / inter
    if rate in (None, "max"):
        rate = 0
    if count is None:
        count = 0 if loop else 1
    elif count < 1:
        raise ValueError("count: 1 or more")
    return _c._send(pkts, iface, count=int(count), loop=bool(loop), rate=float(rate), l3=l3,
                    chainCC=chainCC, **kw)


def send(pkts, iface=None, count=None, loop=0, inter=0, rate=None, verbose=None, chainCC=False,
         **kw):
    """Scapy's send(): the packets of a set, at layer 3 (an IP expression gets its Ethernet
    header from iface: its MAC, the next hop's). count is Scapy's: how many times the whole
    set goes (None: once; with loop=True and no count, until Ctrl-C). rate in packets/s or
    inter in seconds (None: as fast as it goes). engine="auto"|"xsk"|"packet"|"pcap"
    (engine="pcap", write=FILE: into a file, nothing sent). Returns the packets sent.
    """
    return _run_send(pkts, iface, count, loop, inter, rate, True, chainCC, kw)


def sendp(pkts, iface=None, count=None, loop=0, inter=0, rate=None, verbose=None,
          chainCC=False, **kw):
    """Scapy's sendp(): send() at layer 2: the expression is the whole frame."""
    return _run_send(pkts, iface, count, loop, inter, rate, False, chainCC, kw)


def sniff(count=0, store=True, offline=None, prn=None, lfilter=None, filter=None, iface=None,
          timeout=None, stop_filter=None, started_callback=None, steal=False, **kw):
    """Scapy's sniff(): capture on iface (or read offline=FILE) until count packets (0: no
    limit) passed filter (tcpdump syntax) and lfilter, timeout seconds passed, stop_filter
    said so, or Ctrl-C. prn is called on each packet (what it returns is printed, as in
    Scapy). Returns a PacketList (empty when store=False). steal=True captures through
    AF_XDP (the host stops seeing the packets: a dedicated interface only).
    """
    out = PacketList(name="Sniffed")
    if offline is not None:
        source = PcapReader(offline, filter=filter)
        nxt = lambda t: next(source, None)  # noqa: E731
        done_at_none = True
    else:
        if iface is None:
            raise ValueError("no interface: iface=...")
        source = _c._Sniffer(iface, filter=filter, steal=steal, **kw)
        nxt = source.next
        done_at_none = False
    import time as _time
    end = None if timeout is None else _time.monotonic() + timeout
    n = 0
    try:
        if started_callback:
            started_callback()
        while not count or n < count:
            left = None if end is None else end - _time.monotonic()
            if left is not None and left <= 0:
                break
            p = nxt(left)
            if p is None:
                if done_at_none or left is not None:
                    break
                continue
            if lfilter and not lfilter(p):
                continue
            n += 1
            if store:
                out.append(p)
            if prn:
                r = prn(p)
                if r is not None:
                    print(r)
            if stop_filter and stop_filter(p):
                break
    except KeyboardInterrupt:
        pass  # Scapy's sniff returns what it has
    finally:
        source.close()
    return out


ScanResult = _collections.namedtuple("ScanResult", [
    "saddr", "sport", "daddr", "dport", "classification", "success", "ttl", "ipid", "window",
    "rtt", "timestamp", "target", "tport", "proto", "flags", "icmp_type", "icmp_code",
    "service", "banner", "rcode", "ancount", "reply_bytes", "probe_bytes", "amp"])
ScanResult.__doc__ = """One target that answered a scan: the answer's addresses and ports
(saddr: the target, or for an ICMP error who sent it), classification ("synack", "rst",
"echo-reply", "port-unreach", ...), success (open / alive), ttl, ipid, window, rtt in
milliseconds (None: not known), timestamp (arrival, seconds since the epoch), the probe's
target and tport, proto ("tcp", "udp", "icmp", "icmpv6"), TCP flags, ICMP type and code.
A UDP answer also has reply_bytes and probe_bytes (UDP payloads) and amp (their ratio, the
amplification factor; None for an empty probe); with probe="udp:MODULE", service (the
module, when the answer is that protocol's), banner (what it says: "NOERROR 1 answer A
198.18.0.99", "NTPv4 stratum 2 ...", a sysDescr, ...) and for dns rcode ("NOERROR", ...)
and ancount. None where the CLI's JSON leaves the key out. The same fields as
`wirecraft scan -f '*'`."""


class Scan:
    """A running scan: iterate it for ScanResults as they come (a generator of results).

    .stats: the scan's counts once it has ended (sent, replies, hits, drops, elapsed_s,
    interrupted, complete, seed, ...). stop(): as Ctrl-C, no more probes, the answers still
    due keep coming. close(): stop now. A context manager: leaving it closes the scan.
    """

    def __init__(self, sc):
        self._sc = sc

    def __iter__(self):
        return self

    def __next__(self):
        return ScanResult._make(next(self._sc))

    @property
    def stats(self):
        return self._sc.stats

    def stop(self):
        self._sc.stop()

    def close(self):
        self._sc.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def scan(iface=None, targets=None, ports=None, probe="tcp-syn", rate=10000, retries=0,
         cooldown=None, max_targets=0, max_runtime=0, threads=1, seed=None, all_replies=False,
         allow_reserved=False, blocklist=None, source_port=0, source_ip=None, dry_run=None,
         chainCC=False, probe_args=None):
    """The stateless scanner of `wirecraft scan`: every (address, port) of targets (a str or
    a list: addresses, CIDRs, ranges) times ports ("22,80,8000-8100" or a list of ints)
    probed once in a pseudo-random order; yields a ScanResult per target that answers.

    probe: tcp-syn, tcp-ack, icmp-echo, icmpv6-echo, udp, udp:MODULE (dns, ntp, snmp, snmp1,
    ssdp, netbios-ns, memcached: the module's request, its answers classified; ports default
    to its service's; probe_args its argument, dns: "NAME" or "TYPE,NAME"), or a Scapy
    expression. rate:
    probes/s or "max" (default 10000, as the CLI). Reserved ranges (private, benchmarking,
    documentation, ...) are skipped unless allow_reserved=True (or a list of CIDRs), as the
    CLI does. Ctrl-C stops sending, the answers still due are yielded, and the iteration
    ends (chainCC=True: KeyboardInterrupt is raised at the end); a second Ctrl-C cuts the
    wait short. The first Ctrl-C does this also while the loop's body runs; a second one
    there raises KeyboardInterrupt in the body. cooldown: seconds after the last probe
    (None: adaptive). source_ip: our
    address per family instead of the interface's; dry_run=FILE writes the probes to a pcap
    file and sends nothing.
    """
    if targets is None:
        raise ValueError("no targets: targets=\"198.18.0.0/24\" (a scan never picks its own)")
    return Scan(_c._Scanner(iface, targets, ports=ports, probe=probe, rate=rate,
                            retries=retries, cooldown=cooldown, max_targets=max_targets,
                            max_runtime=float(max_runtime), threads=threads, seed=seed,
                            all_replies=all_replies, allow_reserved=allow_reserved,
                            blocklist=blocklist, source_port=source_port, dry_run=dry_run,
                            chainCC=chainCC, source_ip=source_ip, probe_args=probe_args))
