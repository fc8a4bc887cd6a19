"""Content-Security-Policy sources for the inline style and script of generated pages."""

from __future__ import annotations

import base64
import hashlib


def csp_source(content: str) -> str:
    """Return the Content-Security-Policy source allowing an inline element whose text is
    exactly ``content`` (``'sha256-…'``, the base64 SHA-256 of its UTF-8 bytes).

    Examples:
        >>> csp_source("alert(1)")
        "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
    """
    digest = hashlib.sha256(content.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
