# Debian 12 (bookworm), so the pinned system packages below match the base image.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

# PDF reports: WeasyPrint lays out text with Pango, embeds fonts with HarfBuzz-Subset;
# DejaVu is the report's font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0=1.50.* \
        libpangoft2-1.0-0=1.50.* \
        libharfbuzz-subset0=6.0.* \
        fonts-dejavu-core=2.37-* \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 selbstcheck \
    && mkdir /data \
    && chown selbstcheck /data

WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY questions ./questions
COPY reports ./reports
RUN pip install --no-cache-dir .

USER 10001
WORKDIR /data
# In a container the HTTP server (the browser channel, and the webhook when
# SELBSTCHECK_WEBHOOK_URL is set) must listen on all interfaces; publishing the
# port decides who reaches it.
ENV SELBSTCHECK_DB=/data/selbstcheck.db \
    SELBSTCHECK_LISTEN=0.0.0.0
VOLUME ["/data"]
EXPOSE 8080
# Healthy while the running bot keeps writing its heartbeat into the database
# (every 30 s; unhealthy after 120 s without one).
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
    CMD ["selbstcheck-bot", "health"]
CMD ["selbstcheck-bot"]
