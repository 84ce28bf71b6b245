"""`RemoteMonitor`: POST each epoch's logs to a server."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

import numpy as np

from kc.callbacks._callback import Callback


class RemoteMonitor(Callback):
    """Sends each epoch's logs (plus `"epoch"`) as an HTTP POST to `root + path`.

    The body is a form with one field `field` holding the logs as JSON, or the
    JSON itself with `send_as_json=True`. kc sends through the standard
    library (`urllib`), so unlike Keras it does not need `requests`.

    Args:
        root: the server's root URL.
        path: the path appended to `root`.
        field: the form field holding the JSON logs.
        headers: optional dict of extra HTTP headers.
        send_as_json: send the body as `application/json`.

    Example:
        >>> monitor = kc.callbacks.RemoteMonitor(root="http://localhost:9000")
        >>> model.fit(x, y, callbacks=[monitor])
    """

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data",
                 headers=None, send_as_json=False):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch, logs=None):
        send = {"epoch": epoch}
        for key, value in (logs or {}).items():
            send[key] = value.item() if isinstance(value, (np.ndarray, np.generic)) else value
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(send).encode()
            headers.setdefault("Content-Type", "application/json")
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        request = urllib.request.Request(self.root + self.path, data=body, headers=headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except (urllib.error.URLError, OSError):
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}",
                          stacklevel=2)
