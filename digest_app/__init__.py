"""Digest: collect, summarize and digest Xiaomi news offline."""

import os

# The NLP layer multiplies small matrices; BLAS threads only fight over the two
# cores with the UI and the fetcher (measured: per-article time doubled).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
APP_NAME = "Digest"
