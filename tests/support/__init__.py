"""Helpers shared by tests of every part of Digest (loopback HTTP server, ...)."""
