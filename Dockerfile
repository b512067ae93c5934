# roundup-bot in a container: `docker build -t roundup-bot .` then see README "Running it for years".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/data/roundup.db

# A fixed uid and gid, so a bind-mounted data folder can be given to them on the host.
RUN groupadd --system --gid 10001 roundup \
    && useradd --system --uid 10001 --gid roundup --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin roundup \
    && mkdir /data \
    && chown roundup:roundup /data

# Only what the package needs (see .dockerignore); the source is removed once installed.
COPY pyproject.toml README.md LICENSE requirements.lock /tmp/src/
COPY bot /tmp/src/bot
COPY cogs /tmp/src/cogs
COPY db /tmp/src/db
COPY locales /tmp/src/locales
COPY news /tmp/src/news
RUN pip install -c /tmp/src/requirements.lock /tmp/src && rm -rf /tmp/src

USER roundup
WORKDIR /data
VOLUME ["/data"]

# The bot stops cleanly on SIGTERM (docker stop) well within Docker's 10 s grace.
STOPSIGNAL SIGTERM
# Reads the whole file: seconds on a large archive, hence the long interval.
HEALTHCHECK --interval=10m --timeout=2m --start-period=1m --retries=2 \
    CMD ["python", "-m", "bot", "db", "check"]
CMD ["python", "-m", "bot", "run"]
