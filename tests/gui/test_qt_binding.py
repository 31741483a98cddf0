"""The Qt binding itself must survive a long session of signal traffic."""

from __future__ import annotations

import subprocess
import sys

EMIT_LOOP = """
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Source(QObject):
    changed = Signal(int)

app = QCoreApplication([])
source = Source()
source.changed.connect(lambda value: None)
for value in range(200_000):
    source.changed.emit(value)
print("ok")
"""


def test_many_signal_emits_do_not_crash_the_interpreter():
    # PySide6 6.12.0 loses a reference to True on every emit(); after enough
    # emits Python aborts with "bool_dealloc". A refresh emits thousands.
    result = subprocess.run(
        [sys.executable, "-c", EMIT_LOOP], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.strip() == "ok"
