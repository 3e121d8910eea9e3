"""The oracle corpus (tests/oracle/corpus.txt) through the Python module.

build:   wirecraft.build(EXPR) yields, in order, the bytes `wirecraft build EXPR` prints,
         which are Scapy's (the expectations gen.py wrote);
dissect: wirecraft.dissect(Scapy's bytes, first=CLASS) has Scapy's layers and field values,
         both through .json() and through attribute access (p[LAYER].FIELD), compared with
         tests/oracle/run.py's own comparison.
"""
import json
import os

import pytest

import wirecraft as wc
from conftest import cli, expectations, oracle, skip_or_fail


def pytest_generate_tests(metafunc):
    if "rec" in metafunc.fixturenames:
        recs = expectations()
        if recs is None:
            metafunc.parametrize("rec", [None], ids=["no-scapy"])
        else:
            metafunc.parametrize("rec", recs, ids=["line%d" % r["line"] for r in recs])


def need(rec):
    if rec is None:
        skip_or_fail("Scapy is not installed (python3-scapy)")


def test_corpus_is_whole():
    recs = expectations()
    if recs is None:
        skip_or_fail("Scapy is not installed (python3-scapy)")
    # every expression line of the corpus has its record
    with open(oracle.CORPUS) as f:
        lines = [ln for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
    assert len(recs) == len(lines) > 300


def test_build(rec):
    need(rec)
    want = [p["hex"] for p in rec["packets"]]
    s = wc.build(rec["expr"])
    got = [b.hex() for b in s.raw()]
    assert len(s) == len(want)
    assert got == want
    # the CLI prints the same bytes (checked by the plain run; the sanitized one, slower,
    # keeps to the module)
    if os.environ.get("WC_SANITIZED") != "1":
        out = cli("build", rec["expr"]).stdout.split()
        assert got == out
    # indexing agrees with iteration
    assert bytes(s[len(s) - 1]).hex() == want[-1]
    assert bytes(s[0]).hex() == want[0]


def as_expect(v):
    """A Python field value in the expectations' JSON shape."""
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, list) and all(isinstance(x, tuple) for x in v):  # TCP options: [(name, value)]
        out = []
        for name, val in v:
            if isinstance(val, bytes):
                val = val.hex()
            elif isinstance(val, tuple):
                val = list(val)
            out.append([name, val])
        return out
    return v


def test_dissect(rec):
    need(rec)
    for i, p in enumerate(rec["packets"]):
        raw = bytes.fromhex(p["hex"])
        d = wc.dissect(raw, first=rec["first"])
        assert bytes(d) == raw
        got = json.loads(d.json())
        diff = oracle.diff_layers(p["layers"], got)
        assert not diff, "packet %d: %s" % (i, "; ".join(diff[:5]))
        assert d.layers() == [lay["layer"] for lay in p["layers"]]
        # attribute access: the same values, as Python objects
        for li, lay in enumerate(p["layers"]):
            layer = d[li]
            assert layer.name == lay["layer"]
            for k, want in lay["fields"].items():
                v = as_expect(getattr(layer, k))
                assert oracle.same_value(want, v), \
                    "packet %d %s.%s: scapy %r, python %r" % (i, lay["layer"], k, want, v)
