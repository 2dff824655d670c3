"""Behovsgraf: the CLI, the GraphQL API and the server.

numpy's BLAS gets one thread unless the operator says otherwise: the vector search is one
matrix-vector product per query, and on a busy two-core machine a second BLAS thread made
it about five times slower (threads spinning against the other processes).
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
