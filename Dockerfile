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
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY questions ./questions
COPY reports ./reports
RUN pip install --no-cache-dir .

USER 10001
WORKDIR /data
ENV SELBSTCHECK_DB=/data/selbstcheck.db
VOLUME ["/data"]
CMD ["selbstcheck-bot"]
