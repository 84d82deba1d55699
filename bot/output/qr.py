"""QR codes of links, to project or print (a workshop's invitation)."""

from __future__ import annotations

import io

import segno


def qr_png(link: str) -> bytes:
    """A PNG of the link's QR code, large enough to project or print."""
    buffer = io.BytesIO()
    segno.make(link, error="m", micro=False).save(buffer, kind="png", scale=12, border=4)
    return buffer.getvalue()
