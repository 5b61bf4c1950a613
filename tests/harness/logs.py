"""Reading a real server's access log right after a request."""

from __future__ import annotations

import time
from collections.abc import Callable


def logged_soon(read: Callable[[], list], timeout: float = 5.0) -> list:
    """``read()`` until it returns something or ``timeout`` passes: nginx and waitress write the
    access-log line once the request is done, which can be just after the client read the body."""
    deadline = time.monotonic() + timeout
    while True:
        found = read()
        if found or time.monotonic() >= deadline:
            return found
        time.sleep(0.1)
