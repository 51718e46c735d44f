# Radix API: `docker build -t radix .` then `docker run --rm -p 8000:8000 radix`
# Stateless and read-only: run as many replicas as needed behind a load balancer.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RADIX_CACHE_DIR=/var/cache/radix

RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent radix \
    && install -d -o radix -g radix "$RADIX_CACHE_DIR"

# The build fetches the web page's scripts (cytoscape, cytoscape-dagre) from the npm registry and
# checks them against the integrity hashes in api/static/vendor.json. Behind a mirror:
# docker build --build-arg NPM_CONFIG_REGISTRY=https://npm.example.org .
ARG NPM_CONFIG_REGISTRY=
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY api ./api
COPY graph ./graph
COPY loaders ./loaders
RUN pip install . \
    && cd / && rm -rf /src \
    && python -c "import api, pathlib, sys; sys.exit(not (pathlib.Path(api.__file__).parent / 'static/vendor/cytoscape.min.js').is_file())"

USER radix
WORKDIR /home/radix
# Check the shipped Turtle against its tables, then parse and validate the graph once and keep it
# in the cache: containers start warm (each worker reads the pickled graph in a fraction of a second).
RUN radix build --check && radix stats > /dev/null

EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/ready', timeout=2)"]
# Exec form: radix is PID 1 and gets SIGTERM from `docker stop`; each worker then finishes its
# requests in flight (--timeout-graceful-shutdown, 10 s by default) before the container exits.
CMD ["radix", "serve", "--host", "0.0.0.0", "--workers", "2"]
