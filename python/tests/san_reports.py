#!/usr/bin/python3
"""After `make test-python-asan`: fail on any sanitizer report of ours.

Every ASan and UBSan report of the run is a file under $PY_SAN_LOGS. Memory errors and UBSan
reports all count. Leak reports count when a stack of theirs has a frame of the module or the
library (wc_*, wcpy_*, _wirecraft); the interpreter's own allocations alive at exit are not
leaks of ours. Prints each report that counts and exits 1 when there is one.
"""
import glob
import os
import re
import sys

logs = os.environ["PY_SAN_LOGS"]
bad = 0
files = sorted(glob.glob(os.path.join(logs, "*")))
for f in files:
    text = open(f, errors="replace").read()
    if "LeakSanitizer" in text and "ERROR: AddressSanitizer" not in text:
        blocks = re.split(r"\n(?=(?:Direct|Indirect) leak of)", text)
        ours = [b for b in blocks if re.search(r"\b(wc_|wcpy_|_wirecraft)", b) and "leak of" in b]
        if not ours:
            continue
        print("test-python-asan: %s: %d leak(s) of ours:" % (f, len(ours)))
        for b in ours[:5]:
            print(b[:3000])
        bad += 1
        continue
    print("test-python-asan: %s:\n%s" % (f, text[:6000]))
    bad += 1
print("test-python-asan: %d report files, %d of ours" % (len(files), bad))
sys.exit(1 if bad else 0)
