"""sr, sr1, srp, send, sniff and scan from Python, in namespace A, against the reflector in B
(198.19.0.0/16; TCP 22, 80, 443 open; ICMP echo)."""
import errno
import ipaddress
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import wirecraft as wc
from conftest import IFACE, NAME, NETNS, WIRECRAFT, py_env

OPEN = {22, 80, 443}


def hosts(cidr):
    n = ipaddress.ip_network(cidr)
    return [str(n.network_address + i) for i in range(n.num_addresses)]


def test_sr_pairs_are_right(iface):
    ans, unans = wc.sr('IP(dst="198.19.0.16/28")/TCP(dport=[22,80,81])', iface=iface, timeout=1)
    assert len(ans) == 48 and len(unans) == 0, (ans.stats, [s.summary() for s in unans])
    seen = set()
    for s, r in ans:
        assert s.layers()[0] == "IP" and r.layers()[0] == "IP"  # layer 3, as Scapy's sr
        assert r["IP"].src == s["IP"].dst and r["IP"].dst == s["IP"].src
        assert r["TCP"].sport == s["TCP"].dport and r["TCP"].dport == s["TCP"].sport
        assert r["TCP"].ack == (s["TCP"].seq + 1) % 2 ** 32
        assert r["TCP"].flags == (0x12 if s["TCP"].dport in OPEN else 0x14)
        seen.add((s["IP"].dst, s["TCP"].dport))
    assert seen == {(h, p) for h in hosts("198.19.0.16/28") for p in (22, 80, 81)}
    assert ans.stats["answers"] == 48 and ans.stats["probes"] == 48
    assert len(ans.rtt_us) == 48 and all(x > 0 for x in ans.rtt_us)
    assert all(r.time >= s.time > 1e9 for s, r in ans)


def test_same_answers_as_cli(iface):
    e = 'IP(dst="198.19.1.0/29")/TCP(dport=[80,443,1000])'
    ans, _ = wc.sr(e, iface=iface, timeout=1)
    out = subprocess.run([WIRECRAFT, "sr", "-i", iface, "--json", "-t", "1", e],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    cli = set()
    for line in out.stdout.splitlines():
        o = json.loads(line)
        q = {l["layer"]: l["fields"] for l in o["request"]}
        cli.add((q["IP"]["dst"], q["TCP"]["dport"]))
    assert {(s["IP"].dst, s["TCP"].dport) for s, _ in ans} == cli and len(cli) == 24


def test_sr1_and_srp(iface):
    r = wc.sr1('IP(dst="198.19.2.7")/ICMP(id=7, seq=9)', iface=iface, timeout=1)
    assert r is not None and r["ICMP"].type == 0 and r["ICMP"].id == 7 and r["ICMP"].seq == 9
    assert r["IP"].src == "198.19.2.7"
    ans, unans = wc.srp('Ether()/IP(dst="198.19.2.0/30")/ICMP()', iface=iface, timeout=1)
    assert len(ans) == 4 and ans[0][1].layers()[0] == "Ether"
    # a probe nobody answers: 198.19.* answers everything, so an unrouted port of TCP is not
    # it; the set is from a PacketSet object, with its seed
    ps = wc.build('IP(dst="198.19.2.9")/TCP(dport=[80,81])')
    ans, unans = wc.sr(ps, iface=iface, timeout=0.5)
    assert len(ans) == 2


def test_sr_releases_the_gil(iface):
    done = threading.Event()
    res = {}

    def run():
        res["ans"] = wc.sr('IP(dst="198.19.3.0/24")/TCP(dport=80)', iface=iface, timeout=1,
                           rate=250)
        done.set()

    t = threading.Thread(target=run)
    t0 = last = time.monotonic()
    gap = 0.0
    t.start()
    while not done.is_set():
        now = time.monotonic()
        gap = max(gap, now - last)
        last = now
    t.join()
    # 256 probes at 250/s: a second in the library, and this loop never stopped for long
    # (with the GIL held through the call it would have stopped for all of it; the bound
    # leaves room for a machine whose other work keeps this thread off the CPU a while)
    assert time.monotonic() - t0 > 0.95 and gap < 0.4, gap
    assert len(res["ans"][0]) == 256


def test_send_count_is_scapys_and_sniff_sees_it(iface):
    # the reflector's XDP_TX frames reach A only with an XDP program on A (a veth quirk)
    subprocess.run([NETNS, "-n", NAME, "xdp-pass", "a"], check=True, timeout=20,
                   cwd=os.path.dirname(os.path.dirname(NETNS)))
    try:
        got = {}

        def cap():
            got["p"] = wc.sniff(iface=iface, filter="icmp[icmptype] == icmp-echoreply",
                                timeout=3, started_callback=started.set)

        started = threading.Event()
        t = threading.Thread(target=cap)
        t.start()
        assert started.wait(5)
        time.sleep(0.2)
        # count=3: the set of 4 packets three times (Scapy's count), 12 packets
        n = wc.send('IP(dst="198.19.4.0/30")/ICMP()', iface=iface, count=3)
        t.join()
        assert n == 12
        pk = got["p"]
        assert len(pk) == 12, [p.summary() for p in pk]
        assert sorted({p["IP"].src for p in pk}) == hosts("198.19.4.0/30")
        assert all(p.time > 1e9 for p in pk)
        # sniff's count and prn
        seen = []
        t = threading.Thread(target=lambda: got.__setitem__(
            "q", wc.sniff(iface=iface, filter="icmp", count=2, timeout=3, prn=seen.append)))
        t.start()
        time.sleep(0.3)
        wc.sendp('Ether(dst="0a:00:00:00:00:02")/IP(dst="198.19.4.9")/ICMP()', iface=iface, count=2)
        t.join()
        assert len(got["q"]) == 2 and len(seen) == 2
    finally:
        subprocess.run([NETNS, "-n", NAME, "xdp-off", "a"], timeout=20,
                       cwd=os.path.dirname(os.path.dirname(NETNS)))


def test_scan_yields_every_open_port(iface):
    s = wc.scan(iface=iface, targets="198.19.8.0/24", ports="22,80,81,443", rate=20000,
                allow_reserved=True)
    res = list(s)
    assert {(r.saddr, r.sport) for r in res} == \
        {(h, p) for h in hosts("198.19.8.0/24") for p in (22, 80, 443)}
    assert len(res) == 768 and all(r.success and r.classification == "synack" for r in res)
    assert s.stats["sent"] >= 1024 and s.stats["hits"] == 768 and s.stats["complete"]
    # all_replies: the closed port too
    res = list(wc.scan(iface=iface, targets=["198.19.9.0/30"], ports=[81], rate=5000,
                       allow_reserved=True, all_replies=True))
    assert len(res) == 4 and all(r.classification == "rst" and not r.success for r in res)


def test_scan_udp_module_against_dnsmasq(iface, tmp_path):
    """probe="udp:dns": a real dnsmasq in B (198.18.0.2, not the reflector's range) answers;
    the result carries what the CLI's JSON says of the same scan."""
    dm = subprocess.Popen([NETNS, "-n", NAME, "exec", "b", "/usr/sbin/dnsmasq",
                           "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
                           "--no-hosts", "--listen-address=198.18.0.2", "--bind-interfaces",
                           "--port=53", "--address=/a.example/198.18.0.99",
                           "--address=/a.example/2001:db8::99",
                           "--pid-file=%s" % (tmp_path / "dm.pid"), "--user=root",
                           "--group=root"], stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            r = subprocess.run([NETNS, "-n", NAME, "exec", "b", "ss", "-Hlun", "sport = :53"],
                               capture_output=True, text=True)
            if r.stdout.strip():
                break
            time.sleep(0.1)
        else:
            pytest.fail("dnsmasq does not listen")
        res = list(wc.scan(iface=iface, targets="198.18.0.2", probe="udp:dns",
                           probe_args="a.example", allow_reserved=True, rate=100))
        assert len(res) == 1
        r = res[0]
        assert (r.saddr, r.sport, r.proto, r.classification) == ("198.18.0.2", 53, "udp", "udp")
        assert (r.service, r.banner, r.rcode, r.ancount) == \
            ("dns", "NOERROR 1 answer A 198.18.0.99", "NOERROR", 1)
        assert (r.probe_bytes, r.reply_bytes) == (27, 43) and abs(r.amp - 43 / 27) < 1e-9
        out = tmp_path / "cli.json"
        subprocess.run([WIRECRAFT, "scan", "-i", iface, "198.18.0.2", "--allow-reserved", "-q",
                        "--probe", "udp:dns", "--probe-args", "a.example", "-O", "json",
                        "-o", str(out)], check=True, timeout=30)
        c = json.loads(out.read_text())
        assert (c["service"], c["banner"], c["rcode"], c["ancount"], c["reply_bytes"],
                c["probe_bytes"]) == (r.service, r.banner, r.rcode, r.ancount, r.reply_bytes,
                                      r.probe_bytes)
        # ZMap's TYPE,NAME; the module's port when ports are not given, another when they are
        r6 = list(wc.scan(iface=iface, targets="198.18.0.2", probe="udp:dns",
                          probe_args="AAAA,a.example", allow_reserved=True, rate=100))
        assert [x.banner for x in r6] == ["NOERROR 1 answer AAAA 2001:db8::99"]
        closed = list(wc.scan(iface=iface, targets="198.18.0.2", probe="udp:dns", ports=5353,
                              allow_reserved=True, all_replies=True, rate=100))
        assert [(x.classification, x.service, x.amp) for x in closed] == \
            [("port-unreach", None, None)]
    finally:
        dm.terminate()
        dm.wait(10)
    for bad in [dict(probe="udp:nope"), dict(probe="udp:dns", probe_args="a..b"),
                dict(probe="udp:dns", probe_args="NOPE,a.example"),
                dict(probe="tcp-syn", probe_args="x")]:
        with pytest.raises(ValueError):
            wc.scan(iface=iface, targets="198.18.0.2", allow_reserved=True, ports=53, **bad)


CHILD = textwrap.dedent("""
    import json, sys, time
    import wirecraft as wc
    iface, what = sys.argv[1], sys.argv[2]
    t0 = time.monotonic()
    if what.startswith("scan"):
        s = wc.scan(iface=iface, targets="198.19.16.0/20", ports="80", rate=400,
                    allow_reserved=True)
        n = 0
        for r in s:
            n += 1
            if n == 1:
                print("first", flush=True)
            if what == "scan-busy":  # the Ctrl-C lands in the loop's body, not in a wait
                t = time.monotonic()
                while time.monotonic() - t < 0.0015:  # 60% of the 2.5 ms between results
                    pass
            elif what == "scan-stuck" and n == 1:
                time.sleep(60)  # only the second Ctrl-C gets it out of here
        st = s.stats
    elif what == "sniff":
        ps = wc.sniff(iface=iface, filter="udp port 9", timeout=30,
                      started_callback=lambda: print("first", flush=True))
        n = len(ps)
        st = {}
    else:
        print("first", flush=True)
        ans, unans = wc.sr('IP(dst="198.19.32.0/20")/TCP(dport=80)', iface=iface, rate=400,
                           timeout=1)
        n = len(ans)
        st = ans.stats
    print(json.dumps({"n": n, "stats": st, "t": time.monotonic() - t0}), flush=True)
""")


@pytest.mark.parametrize("what", ["scan", "scan-busy", "sr", "sniff"])
def test_ctrl_c_stops_cleanly(iface, what, tmp_path):
    f = tmp_path / "child.py"
    f.write_text(CHILD)
    p = subprocess.Popen([sys.executable, str(f), iface, what], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=py_env())
    assert p.stdout.readline().strip() == "first"
    time.sleep(1.0)
    t = time.monotonic()
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=20)
    stopped_in = time.monotonic() - t
    assert p.returncode == 0, err
    o = json.loads(out.strip().splitlines()[-1])
    st = o["stats"]
    # 4096 probes at 400/s would take 10 s: stopped well before, every probe sent answered
    assert stopped_in < 8, stopped_in
    if what.startswith("scan"):
        assert st["interrupted"] and st["interrupts"] == 1
        assert 0 < st["sent"] < 4096 and o["n"] == st["results"] >= st["sent"] - 2
    elif what == "sniff":
        # Scapy's sniff returns what it has on Ctrl-C (here nothing), long before its timeout
        assert o["n"] == 0 and o["t"] < 10
    else:
        assert st["interrupted"] == 1 and 0 < o["n"] < 4096
    link = subprocess.run(["ip", "-d", "link", "show", iface], capture_output=True,
                          text=True).stdout
    assert "xdp" not in link


def test_second_ctrl_c_breaks_a_stuck_loop_body(iface, tmp_path):
    # the first Ctrl-C only stops the scan (the body sleeps on); the second is Python's
    f = tmp_path / "child.py"
    f.write_text(CHILD)
    p = subprocess.Popen([sys.executable, str(f), iface, "scan-stuck"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=py_env())
    assert p.stdout.readline().strip() == "first"
    p.send_signal(signal.SIGINT)
    time.sleep(1.0)
    assert p.poll() is None
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=20)
    assert p.returncode != 0 and "KeyboardInterrupt" in err and "time.sleep(60)" in err, err


def test_errors_are_exceptions(iface):
    with pytest.raises(OSError) as ei:
        wc.sr('IP(dst="198.19.0.1")/TCP()', iface="nosuch0", timeout=0.2)
    assert ei.value.errno == errno.ENODEV
    with pytest.raises(OSError):
        wc.send('IP(dst="198.19.0.1")/TCP()', iface="nosuch0")
    with pytest.raises(ValueError):
        wc.sniff(iface=iface, filter="this is ( not a filter", timeout=0.1)
    with pytest.raises(OSError):
        list(wc.scan(iface="nosuch0", targets="198.19.0.0/30", ports="80", allow_reserved=True))
    with pytest.raises(wc.ExprError):
        wc.sr('IP(dst="198.19.0.1"/TCP()', iface=iface)
    with pytest.raises(ValueError):
        wc.scan(iface=iface, targets="198.19.0.0/30", ports="80")  # reserved, not allowed
    with pytest.raises(ValueError):
        wc.scan(iface=iface, targets="not-an-address", ports="80", allow_reserved=True)
    # a second steering program on the same interface: refused while the first runs
    s = wc.scan(iface=iface, targets="198.19.40.0/24", ports="80", rate=200, allow_reserved=True)
    next(s)
    with pytest.raises(OSError) as ei:
        wc.sr('IP(dst="198.19.0.1")/TCP()', iface=iface, timeout=0.2)
    assert ei.value.errno == errno.EBUSY
    s.close()
    assert s.stats["interrupted"]
