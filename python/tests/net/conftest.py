"""Run by ../test_net.py inside namespace A of a private pair, with the reflector in B."""
import os
import sys

import pytest

IFACE = os.environ.get("WC_NET_IFACE")
NAME = os.environ.get("WC_NET_NAME")
WIRECRAFT = os.environ.get("WIRECRAFT")
NETNS = os.environ.get("WC_NETNS_SH")


@pytest.fixture
def iface():
    if not IFACE:
        pytest.fail("run by python/tests/test_net.py, inside the namespace it makes")
    return IFACE
