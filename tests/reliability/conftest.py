"""Fixtures of the reliability tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _one_qt_application(qapp):
    """The PDF exporter (run in this process by the private-files test) uses the running
    Qt application, or starts a bare QtGui one; the reader tests need the widgets
    application, so it is started first."""
    return qapp
