"""The model as the drawing page runs it in the browser: ``static/model.js``, made once per server.

The page (``static/``) is the same whether ``digitnet serve`` sends it or ``digitnet export --web``
writes it into a folder; either way it reads drawings with the network in the browser, from the model
description :func:`digitnet.export.web.model_script` makes. The server's copy says ``"server": true``,
so the page also sends uploaded photos to ``POST /api/predict``, where digitnet itself reads them.
"""

from __future__ import annotations

import threading


class PageModel:
    """``model.js`` for one network or committee, built on first request (a committee's takes a moment)."""

    def __init__(self, network, name: str, metadata: dict | None = None):
        self.network, self.name, self.metadata = network, name, metadata
        self._script: bytes | None = None
        self._lock = threading.Lock()

    def script(self) -> bytes:
        """The script's bytes; raises :class:`~digitnet.errors.DigitnetError` if the page cannot run the model."""
        with self._lock:
            if self._script is None:
                from digitnet.export.web import model_script

                self._script = model_script(self.network, self.name, server=True, metadata=self.metadata)
            return self._script
