"""Load and performance tooling: the Locust SLO gate and the asyncio benchmark."""
