# syntax=docker/dockerfile:1
# Relay's image: the app (Granian + Falcon) and the watcher run from the `app`
# target; the `proxy` target adds Debian's nginx and renders the same config the
# launcher uses (proxy/render.py). Build: docker compose build (see docker-compose.yml).

FROM python:3.11-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RELAY_STATE_DIR=/state \
    RELAY_PROJECTS_DIR=/state/projects

WORKDIR /srv/relay

# Optional extras, e.g. --build-arg EXTRAS=local for the embedded model (compiles
# llama-cpp-python: slow, needs a compiler).
ARG EXTRAS=""

# Dependencies first, from pyproject.toml alone, so code changes reuse this layer.
COPY pyproject.toml ./
RUN mkdir -p relay app watcher && touch README.md relay/__init__.py app/__init__.py watcher/__init__.py \
    && if [ -n "$EXTRAS" ]; then \
         apt-get update && apt-get install -y --no-install-recommends build-essential cmake \
         && rm -rf /var/lib/apt/lists/*; \
       fi \
    && pip install ".${EXTRAS:+[$EXTRAS]}" \
    && pip uninstall -y relay \
    && rm -rf relay app watcher README.md build ./*.egg-info

COPY . .
# Editable: the settings' default folders stay relative to the source tree.
RUN pip install --no-deps -e . \
    && useradd --system --uid 10001 --home-dir /state --shell /usr/sbin/nologin relay \
    && mkdir -p /state && chown relay:relay /state

USER relay
EXPOSE 8000 9101
CMD ["python", "-m", "granian", "--interface", "asgi", "--factory", "app.app:create_app", \
     "--host", "0.0.0.0", "--port", "8000"]


FROM app AS proxy
USER root
RUN apt-get update \
    && apt-get install -y --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/*
USER relay
EXPOSE 8080
