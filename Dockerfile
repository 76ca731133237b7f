# Nashra in a container: one image for every role (scheduler, worker, web, migrate).
#   docker build -t nashra .
#   docker compose up -d           (compose.yaml: PostgreSQL, migrate, scheduler, workers, web)
# The config is mounted at /config/nashra.toml; the database URL and secrets come from the
# environment (NASHRA_DATABASE_URL, the token variables the channels name).
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --upgrade pip && pip install '.[postgres]' && rm -rf /src

RUN useradd --system --create-home --home-dir /data nashra
USER nashra
WORKDIR /data
ENTRYPOINT ["nashra"]
CMD ["run", "-c", "/config/nashra.toml"]
