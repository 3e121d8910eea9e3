"""No leaks: a million builds and dissections in a loop, with a flat resident set size.

Run in a fresh interpreter (the pytest process's own allocations would blur the numbers): the
RSS after a warm-up of 100k rounds and after 1M more must not differ by more than a few MB,
where a leak of one layer copy (about 1 KB) per dissection would show as a gigabyte. Under
the sanitizers (make test-python-asan: WC_SANITIZED=1) the loop is shorter and LeakSanitizer
does the checking instead.
"""
import os
import subprocess
import sys

from conftest import py_env

CHILD = r'''
import sys
import wirecraft as wc

def rss_kb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 // 1024

E = 'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")'
SET = E + '/IP(src="198.18.0.1", dst="198.18.0.0/22")/TCP(dport=[22,80,443,8080], options=[("MSS", 1460)])/"x"'
def rounds(n):
    s = wc.build(SET)
    done = 0
    while done < n:
        for raw in s.raw():
            p = wc.dissect(raw)
            assert p["TCP"].dport in (22, 80, 443, 8080)
            p["IP"].src, p["TCP"].options, p["Raw"].load
            if done % 97 == 0:
                p.summary(), p.json(), p.show(dump=True), p["TCP"].fields
                bytes(s[done % len(s)])
            if done % 1009 == 0:
                wc.build(E + '/IP(dst="198.18.%d.0/24")/UDP()' % (done % 256))
                try:
                    wc.build('IP(dst=1.2.3.4)')
                except wc.ExprError:
                    pass
                list(wc.build(SET).packets(count=1))[:3]
            done += 1
            if done == n:
                break

n = int(sys.argv[1])
rounds(n // 10)
before = rss_kb()
rounds(n)
after = rss_kb()
print(before, after)
'''


def test_rss_stays_flat():
    sanitized = os.environ.get("WC_SANITIZED") == "1"
    n = 5000 if sanitized else 1000000
    r = subprocess.run([sys.executable, "-c", CHILD, str(n)], capture_output=True, text=True,
                       env=py_env(), timeout=600)
    assert r.returncode == 0, r.stderr
    before, after = map(int, r.stdout.split())
    if not sanitized:
        assert after - before < 4096, "RSS grew from %d to %d KB over 1M rounds" % (before, after)
