"""Benchmarks; numpy's BLAS gets one thread, as in the CLI and the server (see `api`)."""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
