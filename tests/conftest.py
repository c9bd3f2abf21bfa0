"""Test-suite wide settings: headless plotting, no network for unit tests, quiet cocotb runs."""

from __future__ import annotations

import ipaddress
import os
import socket

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
# Do NOT set PYTEST_DISABLE_PLUGIN_AUTOLOAD here: xdist workers inherit the environment and would
# lose nbval and xdist. chiplab.verify sets it only for the cocotb runs it starts.

_real_connect = socket.socket.connect


def _loopback_only(self, address):  # noqa: ANN001
    host = address[0] if isinstance(address, tuple) else None
    if host is not None and self.family in (socket.AF_INET, socket.AF_INET6):
        try:
            ok = ipaddress.ip_address(host).is_loopback
        except ValueError:
            ok = host == "localhost"
        if not ok:
            raise OSError(f"tests must not use the network (tried to connect to {host})")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    yield
