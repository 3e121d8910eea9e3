"""Run by ../test_net.py inside namespace A of a private pair, with the reflector in B."""
import os
import sys

import pytest

# as ../conftest.py: libasan (make test-python-asan) only for the Python children
# (kept in WC_SAN_PRELOAD: both conftest files of a run see it, whichever comes first)
if "LD_PRELOAD" in os.environ:
    os.environ["WC_SAN_PRELOAD"] = os.environ.pop("LD_PRELOAD")
SAN_ENV = {"LD_PRELOAD": os.environ["WC_SAN_PRELOAD"]} if "WC_SAN_PRELOAD" in os.environ else {}


def py_env(**extra):
    """The environment for a child python3 that imports the module under test."""
    return dict(os.environ, **SAN_ENV, **extra)


IFACE = os.environ.get("WC_NET_IFACE")
NAME = os.environ.get("WC_NET_NAME")
WIRECRAFT = os.environ.get("WIRECRAFT")
NETNS = os.environ.get("WC_NETNS_SH")


@pytest.fixture
def iface():
    if not IFACE:
        pytest.fail("run by python/tests/test_net.py, inside the namespace it makes")
    return IFACE
