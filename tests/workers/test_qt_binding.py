"""Guard the PySide6 pin: 6.12.0's SignalInstance.emit() dropped a reference to True on every call and
the process aborted after a few thousand emits (pyproject pins PySide6-Essentials < 6.12)."""
from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    ping = Signal()


def test_emit_keeps_reference_counts() -> None:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(200):
        probe.ping.emit()
    assert sys.getrefcount(True) >= before - 5
