#!/usr/bin/python3
"""Generate the Scapy expectations for the wirecraft oracle test.

Usage: gen.py [--corpus FILE] OUT.jsonl

For every expression in the corpus (one per line, '#' starts a comment) this
evaluates the expression with `from scapy.all import *`, walks the packet set in
Scapy's order, and writes one JSON object per corpus line to OUT.jsonl:

  {"line": 12, "expr": "IP(...)/TCP()", "bad": false, "first": "IP",
   "packets": [{"hex": "4500...", "layers": [{"layer": "IP", "fields": {...}}, ...],
                "offsets": [0, 20, ...]}]}

"layers" is Scapy's dissection of the packet's bytes by the class of the
expression's first layer (e.g. IP(raw)); "offsets" is where each of those layers
starts in the packet (only used to make diffs readable).  Field values: integers (flags and
enums as integers), MAC / IPv4 / IPv6 addresses as strings (IPv6 compressed as
inet_ntop writes it), bytes as lowercase hex, TCP options as [name, value]
pairs (value null, integer, hex string or list of integers; name an integer for
unknown kinds), IP options as the hex of their raw bytes, packet-valued fields
as the hex of the packet, except DNS's record fields (qd, an, ns, ar): the list of
their records' layers, in the same shape, or null; DNS TXT strings as a list of hex.  Only fields present in the dissection are listed.

Scapy never sends anything here: sockets are disabled and name resolution is
restricted to numeric addresses.  Any line that cannot be evaluated, that
depends on the host (addresses chosen from routes, clock) or that leaves the
documentation address ranges makes the generator fail, naming the line.
"""

import argparse
import io
import ipaddress
import json
import os
import random
import socket
import sys
import tokenize

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CORPUS = os.path.join(HERE, "corpus.txt")

# Layers the corpus is meant to exercise.  A dissection that yields anything
# else (DNS on port 53, LLC for a small EtherType, ...) is a corpus mistake.
ALLOWED_LAYERS = {
    "Ether", "Dot1Q", "ARP", "IP", "IPv6", "ICMP", "TCP", "UDP",
    "IPerror", "TCPerror", "UDPerror", "ICMPerror", "IPerror6",
    "ICMPv6EchoRequest", "ICMPv6EchoReply", "ICMPv6DestUnreach",
    "ICMPv6PacketTooBig", "ICMPv6TimeExceeded", "ICMPv6ParamProblem",
    "ICMPv6ND_RS", "ICMPv6ND_RA", "ICMPv6ND_NS", "ICMPv6ND_NA",
    "ICMPv6ND_Redirect", "ICMPv6NDOptSrcLLAddr", "ICMPv6NDOptDstLLAddr",
    "ICMPv6NDOptPrefixInfo", "ICMPv6NDOptMTU", "ICMPv6NDOptRedirectedHdr",
    "Raw", "Padding",
    # tunnels and SCTP (issue 10, wave 2)
    "VXLAN", "GRE", "GRE_PPTP", "GRErouting", "MPLS", "EoMCW", "GENEVE",
    "SCTP", "SCTPerror", "SCTPChunkData", "SCTPChunkInit", "SCTPChunkInitAck",
    "SCTPChunkSACK", "SCTPChunkHeartbeatReq", "SCTPChunkHeartbeatAck", "SCTPChunkAbort",
    "SCTPChunkShutdown", "SCTPChunkShutdownAck", "SCTPChunkError", "SCTPChunkCookieEcho",
    "SCTPChunkCookieAck", "SCTPChunkShutdownComplete", "SCTPChunkAuthentication",
    "SCTPChunkAddressConf", "SCTPChunkAddressConfAck",
    # DNS (issue 10)
    "DNS", "DNSQR", "DNSRR", "DNSRRMX", "DNSRRSOA", "DNSRRSRV", "DNSRROPT",
    # Wave 2
    "BOOTP", "DHCP", "NTPHeader",
}
# Scapy contrib modules the corpus uses (`from scapy.all import *` does not load them):
# MPLS and GENEVE, with their bindings (Ether/GRE 0x8847, UDP 6635 and 6081).
CONTRIB = ("mpls", "geneve")
FIRST_LAYERS = {"Ether", "IP", "IPv6"}
MAX_SET = 64

V4_OK = [ipaddress.ip_network("198.18.0.0/15")]
V6_OK = [ipaddress.ip_network(n) for n in ("2001:db8::/32", "ff02::/16", "fe80::/10")]


class OracleError(Exception):
    pass


def _no_sockets():
    """Make any attempt by Scapy to open a socket or resolve a name fail."""
    from scapy.config import conf

    class _NoSocket:
        def __init__(self, *a, **k):
            raise OracleError("Scapy tried to open a socket (it would send): refused")

    conf.L2socket = conf.L3socket = conf.L2listen = _NoSocket
    try:
        conf.L3socket6 = _NoSocket
    except Exception:
        pass

    real_getaddrinfo = socket.getaddrinfo

    def numeric_getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        return real_getaddrinfo(host, port, family, type, proto,
                                flags | socket.AI_NUMERICHOST)

    def numeric_gethostbyname(host):
        try:
            socket.inet_aton(host)
        except OSError:
            raise socket.gaierror("name resolution disabled in the oracle: %r" % (host,))
        return host

    def no_gethostbyname_ex(host):
        raise socket.gaierror("name resolution disabled in the oracle: %r" % (host,))

    socket.getaddrinfo = numeric_getaddrinfo
    socket.gethostbyname = numeric_gethostbyname
    socket.gethostbyname_ex = no_gethostbyname_ex


def parse_corpus(path):
    """Yield (line_number, expression, comment) for every expression line."""
    with open(path, encoding="utf-8") as f:
        for n, text in enumerate(f, 1):
            stripped = text.strip()
            if not stripped or stripped.startswith("#"):
                continue
            expr, comment = stripped, ""
            try:
                for tok in tokenize.generate_tokens(io.StringIO(stripped).readline):
                    if tok.type == tokenize.COMMENT:
                        expr = stripped[:tok.start[1]].rstrip()
                        comment = tok.string[1:].strip()
                        break
            except (tokenize.TokenError, SyntaxError) as e:
                raise OracleError("corpus line %d: cannot tokenize: %s" % (n, e))
            yield n, expr, comment


def _check_v4(value, where):
    if value in ("0.0.0.0",):
        return
    a = ipaddress.ip_address(value)
    if not any(a in net for net in V4_OK):
        raise OracleError("%s: IPv4 address %s outside 198.18.0.0/15" % (where, value))


def _check_v6(value, where):
    a = ipaddress.ip_address(value)
    if a == ipaddress.ip_address("::"):
        return
    if not any(a in net for net in V6_OK):
        raise OracleError("%s: IPv6 address %s outside 2001:db8::/32, fe80::/10, ff02::/16"
                          % (where, value))


def _check_mac(value, where):
    v = value.lower()
    if v in ("00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff") or v.startswith("02:") \
            or v.startswith("33:33:"):
        return
    raise OracleError("%s: MAC %s is not locally administered (02:...), broadcast or 33:33:..."
                      % (where, value))


class Serializer:
    def __init__(self):
        from scapy import fields as F
        from scapy.packet import Packet
        from scapy.layers.inet import TCPOptionsField
        self.F = F
        self.Packet = Packet
        self.TCPOptionsField = TCPOptionsField
        try:
            from scapy.layers.dns import DNSRRField
        except ImportError:
            DNSRRField = None
        self.DNSRRField = DNSRRField

    def resolve(self, fld, pkt):
        """The concrete field behind ConditionalField / MultipleTypeField / Emph."""
        F = self.F
        for _ in range(8):
            if isinstance(fld, F.ConditionalField):
                fld = fld.fld
            elif isinstance(fld, F.MultipleTypeField):
                fld = fld._find_fld_pkt(pkt)
            elif isinstance(fld, F.Emph):
                fld = fld.fld
            else:
                break
        return fld

    def value(self, fld, val, pkt, where):
        F = self.F
        if val is None:
            return None
        if isinstance(fld, self.TCPOptionsField):
            out = []
            for opt in val:
                name, oval = opt
                if isinstance(oval, tuple):
                    oval = [int(x) for x in oval]
                elif isinstance(oval, (bytes, bytearray)):
                    oval = bytes(oval).hex()
                elif isinstance(oval, int):
                    oval = int(oval)
                elif oval is not None:
                    raise OracleError("%s: unexpected TCP option value %r" % (where, opt))
                out.append([name if isinstance(name, str) else int(name), oval])
            return out
        if self.DNSRRField and isinstance(fld, self.DNSRRField):
            if isinstance(val, self.Packet):
                return self.layers(val, where)
            return bytes(val).hex()
        if type(fld).__name__ == "DHCPOptionsField":
            return self.dhcp_options(val, where)
        if isinstance(fld, F.PacketListField):
            return b"".join(bytes(p) for p in val).hex()
        if isinstance(fld, F.FieldListField):
            # a list of fixed fields (SCTP SACK gap acks, duplicate TSNs): its bytes
            return fld.addfield(pkt, b"", val).hex()
        if isinstance(val, list) and all(isinstance(x, (bytes, bytearray)) for x in val):
            return [bytes(x).hex() for x in val]  # DNS TXT strings
        if isinstance(val, self.Packet):
            return bytes(val).hex()
        if isinstance(fld, F.IP6Field) and isinstance(val, str):
            v = socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, val))
            _check_v6(v, where)
            return v
        if isinstance(fld, F.IPField) and isinstance(val, str):
            # NTPHeader's id defaults to 127.0.0.1 (a constant, not an address we use)
            if fld.name != "addr_mask" and not (fld.name == "id" and val == "127.0.0.1"):
                _check_v4(val, where)
            return val
        if isinstance(fld, F.MACField) and isinstance(val, str):
            _check_mac(val, where)
            return val.lower()
        if isinstance(val, F.FlagValue):
            return int(val)
        if isinstance(val, bool):
            return int(val)
        if isinstance(val, int):
            return int(val)
        if isinstance(val, (bytes, bytearray)):
            return bytes(val).hex()
        if isinstance(val, str):
            return val
        if isinstance(val, list) and all(isinstance(x, int) for x in val):
            return [int(x) for x in val]
        raise OracleError("%s: cannot serialize field %s=%r (%s)"
                          % (where, fld.name, val, type(fld).__name__))

    def dhcp_options(self, val, where):
        """DHCP options as wirecraft's JSON writes them: "end", "pad", [name or code,
        value...] (integers, address strings, bytes as hex, lists of integers or strings),
        {"raw": hex} for bytes Scapy could not cut into options."""
        if isinstance(val, (bytes, bytearray)):
            val = [bytes(val)] if val else []
        out = []
        for opt in val:
            if isinstance(opt, str):
                out.append(opt)
            elif isinstance(opt, (bytes, bytearray)):
                out.append({"raw": bytes(opt).hex()})
            elif isinstance(opt, tuple):
                item = [opt[0] if isinstance(opt[0], str) else int(opt[0])]
                for v in opt[1:]:
                    if isinstance(v, (bytes, bytearray)):
                        item.append(bytes(v).hex())
                    elif isinstance(v, list):
                        item.append([x if isinstance(x, str) else int(x) for x in v])
                    elif isinstance(v, (int, str)):
                        item.append(v if isinstance(v, str) else int(v))
                    else:
                        raise OracleError("%s: unexpected DHCP option value %r" % (where, opt))
                out.append(item)
            else:
                raise OracleError("%s: unexpected DHCP option %r" % (where, opt))
        return out

    def layers(self, pkt, where):
        from scapy.packet import NoPayload
        out = []
        layer = pkt
        while layer is not None and not isinstance(layer, NoPayload):
            name = type(layer).__name__
            lw = "%s, layer %s" % (where, name)
            fields = {}
            for fld in layer.fields_desc:
                if fld.name not in layer.fields:
                    continue  # not reached by the dissection or condition false
                val = layer.fields[fld.name]
                real = self.resolve(fld, layer)
                fields[fld.name] = self.value(real, val, layer, lw)
            if isinstance(fields.get("options"), str) and isinstance(fields.get("ihl"), int):
                hdr = bytes(layer)[20:fields["ihl"] * 4].hex()
                if hdr != fields["options"]:
                    raise OracleError("%s: IP options %s do not round-trip the header bytes %s"
                                      % (lw, fields["options"], hdr))
            out.append({"layer": name, "fields": fields})
            layer = layer.payload
        return out


def layer_offsets(pkt):
    """Byte offset of each layer of a dissected packet (for readable diffs)."""
    from scapy.packet import NoPayload
    total = len(bytes(pkt))
    out = []
    layer = pkt
    while layer is not None and not isinstance(layer, NoPayload):
        out.append(total - len(bytes(layer)))
        layer = layer.payload
    return out


def _check_explicit(pkt, where):
    """Refuse fields whose default depends on the host (routes, clock)."""
    from scapy.packet import NoPayload, Packet
    layer = pkt
    while layer is not None and not isinstance(layer, NoPayload):
        name = type(layer).__name__
        f = layer.fields
        if name == "Ether" and not ("src" in f and "dst" in f):
            raise OracleError("%s: Ether() needs both src= and dst= (Scapy would ARP)" % where)
        if name in ("IP", "IPerror", "IPv6", "IPerror6") and "src" not in f:
            raise OracleError("%s: %s() needs an explicit src= (Scapy picks one from routes)"
                              % (where, name))
        if name == "ARP" and not ("hwsrc" in f and "psrc" in f):
            raise OracleError("%s: ARP() needs explicit hwsrc= and psrc=" % where)
        if name in ("ICMP", "ICMPerror"):
            t = f.get("type", 8)
            if t in (13, 14) and not all(k in f for k in ("ts_ori", "ts_rx", "ts_tx")):
                raise OracleError("%s: ICMP timestamp needs explicit ts_ori, ts_rx, ts_tx "
                                  "(the default is the clock)" % where)
        for fld in layer.fields_desc:
            v = f.get(fld.name)
            if isinstance(v, Packet):
                _check_explicit(v, "%s, field %s.%s" % (where, name, fld.name))
        layer = layer.payload


def check_syntax(expr, ns, where):
    """Keep the corpus in the expression subset wirecraft parses (no general Python)."""
    import ast
    from scapy.packet import Packet
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError as e:
        raise OracleError("%s: syntax error: %s" % (where, e))

    def bad(node, why):
        raise OracleError("%s: %s (col %d): outside the corpus syntax"
                          % (where, why, getattr(node, "col_offset", 0) + 1))

    def walk(node):
        if isinstance(node, ast.Expression):
            walk(node.body)
        elif isinstance(node, ast.BinOp):
            if not isinstance(node.op, ast.Div):
                bad(node, "operator %s" % type(node.op).__name__)
            walk(node.left)
            walk(node.right)
        elif isinstance(node, ast.Call):
            f = node.func
            cls = ns.get(f.id) if isinstance(f, ast.Name) else None
            if not (isinstance(cls, type) and issubclass(cls, Packet)):
                bad(node, "call of something that is not a Scapy layer")
            if node.args:
                bad(node, "positional argument to %s()" % f.id)
            for k in node.keywords:
                if k.arg is None:
                    bad(node, "**kwargs")
                walk(k.value)
        elif isinstance(node, (ast.List, ast.Tuple)):
            for e in node.elts:
                walk(e)
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, (str, bytes, int, type(None))) \
                    or isinstance(node.value, bool):
                bad(node, "constant %r" % (node.value,))
        else:
            bad(node, type(node).__name__)

    walk(tree)


def build_line(ns, expr, where, seed):
    random.seed(seed)
    try:
        obj = eval(expr, ns)  # noqa: S307 - the corpus is our own file
    except Exception as e:
        raise OracleError("%s: Scapy cannot evaluate %r: %s: %s"
                          % (where, expr, type(e).__name__, e))
    if not isinstance(obj, ns["Packet"]):
        raise OracleError("%s: expression is not a Scapy packet (%s)" % (where, type(obj).__name__))
    try:
        pkts = list(obj)
    except Exception as e:
        raise OracleError("%s: cannot iterate the packet set: %s: %s"
                          % (where, type(e).__name__, e))
    if not pkts:
        raise OracleError("%s: empty packet set" % where)
    if len(pkts) > MAX_SET:
        raise OracleError("%s: %d packets (keep sets at most %d)" % (where, len(pkts), MAX_SET))
    raws = []
    for i, p in enumerate(pkts):
        _check_explicit(p, "%s, packet %d" % (where, i))
        try:
            raws.append(bytes(p))
        except Exception as e:
            raise OracleError("%s, packet %d: Scapy cannot build it: %s: %s"
                              % (where, i, type(e).__name__, e))
    return obj, raws


def generate(corpus, out_path):
    import warnings
    warnings.filterwarnings("ignore")
    import logging
    logging.getLogger("scapy").setLevel(logging.ERROR)
    ns = {}
    exec("from scapy.all import *", ns)  # noqa: S102
    for mod in CONTRIB:
        exec("load_contrib(%r)" % mod, ns)  # noqa: S102
        exec("from scapy.contrib.%s import *" % mod, ns)  # noqa: S102
    from scapy.packet import Packet
    ns["Packet"] = Packet
    import scapy
    _no_sockets()
    ser = Serializer()

    records = []
    seen = set()
    for n, expr, comment in parse_corpus(corpus):
        where = "corpus line %d" % n
        if expr in seen:
            raise OracleError("%s: duplicate expression %r" % (where, expr))
        seen.add(expr)
        check_syntax(expr, ns, where)
        obj, raws = build_line(ns, expr, where, seed=1)
        _, raws2 = build_line(ns, expr, where, seed=2)
        if raws != raws2:
            raise OracleError("%s: not deterministic (random values?)" % where)
        first = type(obj).__name__
        if first not in FIRST_LAYERS:
            raise OracleError("%s: first layer %s, expected one of %s"
                              % (where, first, sorted(FIRST_LAYERS)))
        cls = ns[first]
        packets = []
        for i, b in enumerate(raws):
            pw = "%s, packet %d" % (where, i)
            try:
                d = cls(b)
            except Exception as e:
                raise OracleError("%s: Scapy cannot dissect its own bytes: %s" % (pw, e))
            layers = ser.layers(d, pw)
            offsets = layer_offsets(d)
            for lay in layers:
                if lay["layer"] not in ALLOWED_LAYERS:
                    raise OracleError("%s: dissects into %s, outside the oracle's layers "
                                      "(choose other ports/types)" % (pw, lay["layer"]))
            packets.append({"hex": b.hex(), "layers": layers, "offsets": offsets})
        records.append({
            "line": n,
            "expr": expr,
            "bad": "bad-on-purpose" in comment,
            "no_tshark": "no-tshark" in comment,
            "first": first,
            "packets": packets,
        })

    d = os.path.dirname(os.path.abspath(out_path))
    os.makedirs(d, exist_ok=True)
    tmp = out_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")
    os.replace(tmp, out_path)
    npk = sum(len(r["packets"]) for r in records)
    print("gen: scapy %s: %d expressions, %d packets -> %s"
          % (scapy.VERSION, len(records), npk, out_path))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("out", help="expectations file to write (JSON lines)")
    args = ap.parse_args()
    try:
        generate(args.corpus, args.out)
    except OracleError as e:
        print("gen: %s" % e, file=sys.stderr)
        return 1
    except ImportError as e:
        print("gen: Scapy is not importable: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
