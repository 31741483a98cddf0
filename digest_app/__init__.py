"""Digest: collect, summarize and digest Xiaomi news offline."""

__version__ = "0.1.0"
APP_NAME = "Digest"
