"""Relay's core: what the web app (``app/``) and the watcher (``watcher/``) share.

Settings, Redis keys, jobs and events, connections, the event emitter, the two job
channels (Redis and the file fallback), history, model routes, caches, logs and
telemetry. Nothing here imports Falcon or the watcher (``tests/test_layout.py``).
"""
