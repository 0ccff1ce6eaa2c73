"""Start-up caches on disk (prompt state, embeddings, numeral forms): written atomically, and
never required: a cache that cannot be written only costs the next start the work it saves."""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` so a concurrent reader sees the whole file or none; False when it cannot."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return True
    except OSError as exc:
        log.warning("could not write cache file %s: %s", path, exc)
        return False
