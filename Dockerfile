# The Behovsgraf API and pages (`behovsgraf serve`), for docker-compose.yml.
#
#   docker build -t behovsgraf .
#
# Runs as an unprivileged user. docker/entrypoint.sh loads the sample cases into an
# empty graph, then starts `behovsgraf serve`; the store and the server address come
# from the BEHOVSGRAF_* variables (see api/settings.py).
# GraphiQL's files for /graphql, installed by npm from the committed lock file.
FROM node:20-slim AS graphiql
WORKDIR /graphiql
COPY api/graphiql/package.json api/graphiql/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore

RUN groupadd --system --gid 10001 behovsgraf \
    && useradd --system --uid 10001 --gid behovsgraf --create-home --home-dir /home/behovsgraf \
       --shell /usr/sbin/nologin behovsgraf

# Install the project (no dev extras) from a throw-away copy of the sources, so that
# nothing but the installed package is importable at run time.
WORKDIR /tmp/behovsgraf-src
COPY pyproject.toml README.md ./
COPY api ./api
COPY graph ./graph
COPY ingest ./ingest
COPY visualisation ./visualisation
COPY --from=graphiql /graphiql/node_modules ./api/graphiql/node_modules
RUN pip install --no-cache-dir . \
    && command -v behovsgraf \
    && cd / && rm -rf /tmp/behovsgraf-src

WORKDIR /app
COPY data ./data
COPY docker/entrypoint.sh /app/docker/entrypoint.sh

# The vocabulary and reference registers are read from BEHOVSGRAF_DATA_DIR, because an
# installed package has no `data/` beside it; the build fails if they cannot be found.
# The sed keeps the entry point working when it was checked out with Windows line endings.
ENV BEHOVSGRAF_DATA_DIR=/app/data
RUN set -eu; \
    python -c 'from api.settings import get_settings; DATA_DIR = get_settings().data_dir; assert (DATA_DIR / "vocabulary").is_dir(), DATA_DIR'; \
    sed -i 's/\r$//' /app/docker/entrypoint.sh; \
    chmod 0755 /app/docker/entrypoint.sh

USER behovsgraf

ENV BEHOVSGRAF_HOST=0.0.0.0 \
    BEHOVSGRAF_PORT=8000

EXPOSE 8000

ENTRYPOINT ["/app/docker/entrypoint.sh"]
