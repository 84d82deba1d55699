FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

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
