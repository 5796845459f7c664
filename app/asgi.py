"""The object Granian imports: ``granian --interface asgi app.asgi:app``."""

from app.app import create_app

app = create_app()
