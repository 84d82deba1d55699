"""The browser channel: Starlette routes, sessions by cookie, pages and the projector view."""
