#!/usr/bin/python3
# Scapy's sr() on the same job as `wirecraft sr` in bench/sr/run.sh: TCP SYNs to the reflector's
# population (198.19.64.0/18 x ports 1-64, the first N of them, in wirecraft's order: ports
# vary fastest), through Scapy's own layer-3 socket on IFACE. Run inside the sending
# namespace. Prints one JSON line:
#   {"probes": N, "answers": M, "pair_s": first probe sent -> last answer received,
#    "send_s": first probe -> last probe, "wall_s": the whole sr() call}
# pair_s comes from Scapy's own stamps (sent_time of each request, time of each reply), the
# same window `wirecraft sr -v` reports as "last pair at".
import ipaddress
import json
import sys
import time

from scapy.all import IP, TCP, conf, sr

iface, n = sys.argv[1], int(sys.argv[2])
conf.verb = 0
conf.iface = iface
conf.bufsize = 1 << 26  # SO_RCVBUF: at the default, replies overflow the socket while Python reads
net = ipaddress.ip_network("198.19.64.0/18")
pkts = []
for i in range(n):
    host, port = divmod(i, 64)
    pkts.append(IP(dst=str(net.network_address + host)) / TCP(dport=port + 1, flags="S"))
t0 = time.time()
ans, unans = sr(pkts, timeout=2, verbose=0)
wall = time.time() - t0
first = min(s.sent_time for s in pkts if s.sent_time)
last_sent = max(s.sent_time for s in pkts if s.sent_time)
last = max((r.time for _, r in ans), default=first)
print(json.dumps({"probes": n, "answers": len(ans), "pair_s": float(last - first),
                  "send_s": float(last_sent - first), "wall_s": wall}))
