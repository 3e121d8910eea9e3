#!/usr/bin/python3
"""A stand-in for the wirecraft CLI backed by Scapy, to test the oracle harness itself.

  WIRECRAFT=tests/oracle/scapy_cli.py tests/oracle/run.py    # must report 0 failed

Implements only what run.py calls:
  scapy_cli.py build EXPR                      one hex line per packet, Scapy's order
  scapy_cli.py dissect --json --first CLASS HEX...   one JSON array of layers per packet
Nothing is ever sent (gen.py's guards apply).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402


def main(argv):
    import logging
    logging.getLogger("scapy").setLevel(logging.ERROR)
    ns = {}
    exec("from scapy.all import *", ns)  # noqa: S102
    gen._no_sockets()
    if len(argv) == 2 and argv[0] == "build":
        for p in eval(argv[1], ns):  # noqa: S307
            print(bytes(p).hex())
        return 0
    if len(argv) >= 4 and argv[:2] == ["dissect", "--json"] and argv[2] == "--first":
        cls = ns[argv[3]]
        ser = gen.Serializer()
        for h in argv[4:]:
            print(json.dumps(ser.layers(cls(bytes.fromhex(h)), "dissect"), separators=(",", ":")))
        return 0
    print("usage: scapy_cli.py build EXPR | dissect --json --first CLASS HEX...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
