"""The datapath from Python (sr, sr1, srp, send, sniff, scan, Ctrl-C, the GIL), against the
XDP reflector, in a private namespace pair made here (scripts/netns.sh) and removed at the
end, also on failure.

The reflector runs in namespace B and plays 198.19.0.0/16 (ports 22, 80 and 443 open: SYN-ACK;
the rest: RST; ICMP echo), which A routes through B's address, as tests/net/test_sr.sh does.
The Python process must be in namespace A itself: the tests of python/tests/net run there
in a pytest of their own (`scripts/netns.sh -n NAME exec a python3 -m pytest ...`), and this
test checks that it ran them all and that they passed. Root only; CI=true makes a missing
privilege or tool a failure. Addresses: 198.18.0.0/15 only; everything bounded in time.
"""
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from conftest import REPO, SAN_ENV, WIRECRAFT, skip_or_fail

NETNS = os.path.join(REPO, "scripts", "netns.sh")
PY = "/usr/bin/python3"


def sh(*args, timeout=30, check=True):
    r = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout)
    if check and r.returncode:
        raise AssertionError("%s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr))
    return r


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    if os.geteuid() != 0:
        skip_or_fail("needs root (network namespaces, XDP, AF_XDP)")
    for tool in ("ip", "nsenter", "timeout", "tcpdump"):
        if not shutil.which(tool):
            skip_or_fail("missing %s (scripts/install-deps.sh)" % tool)
    name = "wcpy%d" % os.getpid()
    name = name[:12]
    tmp = tmp_path_factory.mktemp("net")
    refl = None
    try:
        sh(NETNS, "-n", name, "up")
        sh("ip", "-n", name + "-a", "route", "add", "198.19.0.0/16", "via", "198.18.0.2")
        err = open(tmp / "reflect.err", "w")
        refl = subprocess.Popen([NETNS, "-n", name, "exec", "b", WIRECRAFT, "reflect", "-i",
                                 name + "-b0", "--hosts", "198.19.0.0/16", "--open",
                                 "tcp:22,80,443", "--icmp", "--duration", "240"],
                                stdout=subprocess.DEVNULL, stderr=err)
        for _ in range(100):
            if "reflect: attached" in open(tmp / "reflect.err").read():
                break
            if refl.poll() is not None:
                break
            time.sleep(0.1)
        else:
            pass
        assert "reflect: attached" in open(tmp / "reflect.err").read(), \
            open(tmp / "reflect.err").read()
        yield name, tmp
    finally:
        if refl:
            refl.terminate()
            try:
                refl.wait(10)
            except subprocess.TimeoutExpired:
                refl.kill()
        sh(NETNS, "-n", name, "down", check=False)


def test_live_in_namespace(pair):
    name, tmp = pair
    env = dict(os.environ, PYTHONPATH=os.environ.get("PYTHONPATH", ""), WC_NET_NAME=name,
               WC_NET_IFACE=name + "-a0", WIRECRAFT=WIRECRAFT, WC_NETNS_SH=NETNS)
    # (the sanitizers' settings go through too: make test-python-asan runs this as well)
    env.update(SAN_ENV)
    keys = ["PYTHONPATH", "WC_NET_NAME", "WC_NET_IFACE", "WIRECRAFT", "WC_NETNS_SH"] + \
        [k for k in ("LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS", "PYTHONMALLOC",
                     "WC_SANITIZED") if k in env]
    cmd = ["timeout", "300", NETNS, "-n", name, "exec", "a", "env"] + \
          ["%s=%s" % (k, env[k]) for k in keys] + \
          ["CI=%s" % os.environ.get("CI", ""), PY, "-m", "pytest", "-q", "-p",
           "no:cacheprovider", "-rs", os.path.join(REPO, "python", "tests", "net")]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=320)
    sys.stdout.write(r.stdout[-6000:])
    sys.stderr.write(r.stderr[-3000:])
    assert r.returncode == 0, "the namespace's pytest failed (exit %d): %s" % (
        r.returncode, r.stdout[-3000:] + r.stderr[-3000:])
    m = re.search(r"(\d+) passed", r.stdout)
    assert m and int(m.group(1)) == 13, "not every test ran in the namespace"
    assert "skipped" not in r.stdout and "failed" not in r.stdout
    # nothing left on A's interface
    link = sh("ip", "-n", name + "-a", "-d", "link", "show", name + "-a0").stdout
    assert "xdp" not in link, link
