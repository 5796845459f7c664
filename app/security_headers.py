"""Headers every API response carries, so that no answer can be run as a page.

The page's own headers (its Content-Security-Policy) are nginx's: see
``proxy/render.py``. An API answer is data: opened in a tab or framed by another
site, it must never be sniffed into HTML, run script or leak the URL onwards.
"""

from __future__ import annotations

import falcon.asgi

API_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


class ApiSecurityHeaders:
    """Falcon middleware adding :data:`API_SECURITY_HEADERS` to every response."""

    async def process_response(
        self,
        req: falcon.asgi.Request,
        resp: falcon.asgi.Response,
        resource: object,
        req_succeeded: bool,
    ) -> None:
        """Set the headers, errors included (Falcon runs this for them too)."""
        resp.set_headers(API_SECURITY_HEADERS)
