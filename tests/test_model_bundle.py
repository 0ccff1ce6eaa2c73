"""The bundled model is assembled from its chunk packages and never used unless it verifies."""

import os
from dataclasses import replace

import pytest

from chatbi.config import ModelSettings
from chatbi.llm import LLMError, bundled, resolve_model_file

SPEC = bundled.BUNDLED_MODELS["qwen2.5-coder-1.5b"]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    directory = tmp_path_factory.mktemp("model-cache")
    path, built = bundled.ensure(SPEC, directory)
    assert built
    return directory


def test_assembled_file_matches_published_size_and_hash(cache):
    path = cache / SPEC.filename
    assert path.stat().st_size == 1_117_320_768
    assert bundled.sha256_file(path) == SPEC.sha256
    assert not list(cache.glob("*.partial")), "no temporary file is left behind"


def test_verified_file_is_reused(cache):
    path = cache / SPEC.filename
    before = path.stat().st_mtime_ns
    again, built = bundled.ensure(SPEC, cache)
    assert not built and again == path and path.stat().st_mtime_ns == before


def test_corrupted_byte_is_detected_and_rebuilt(cache):
    path = cache / SPEC.filename
    stat = path.stat()
    with path.open("r+b") as fh:  # flip one byte in the middle, keep size and mtime
        fh.seek(SPEC.size // 2)
        byte = fh.read(1)
        fh.seek(SPEC.size // 2)
        fh.write(bytes([byte[0] ^ 0xFF]))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert not bundled.is_verified(SPEC, path, full=True)
    rebuilt, built = bundled.ensure(SPEC, cache)
    assert built and bundled.sha256_file(rebuilt) == SPEC.sha256


def test_truncated_file_is_never_loaded(cache):
    path = cache / SPEC.filename
    with path.open("r+b") as fh:
        fh.truncate(SPEC.size - 4096)
    settings = ModelSettings(cache_dir=cache)
    with pytest.raises(LLMError, match="chatbi model ensure"):
        resolve_model_file(settings, assemble_if_missing=False)
    path_after, _ = resolve_model_file(settings)  # assembling again repairs it
    assert path_after.stat().st_size == SPEC.size


def test_modified_file_invalidates_the_quick_stamp(cache):
    path = cache / SPEC.filename
    assert bundled.is_verified(SPEC, path)
    with path.open("r+b") as fh:
        fh.write(b"GGUX")
    assert not bundled.is_verified(SPEC, path), "mtime changed, so the stamp must not be trusted"
    bundled.ensure(SPEC, cache)


def test_missing_chunk_package_says_what_to_install(tmp_path):
    spec = replace(bundled.BUNDLED_MODELS["qwen2.5-coder-0.5b"], package_prefix="chatbi_no_such_part")
    with pytest.raises(bundled.ModelAssemblyError, match="chatbi\\[small-model\\]"):
        bundled.ensure(spec, tmp_path)
    assert not list(tmp_path.iterdir()), "nothing half-written is left"


def test_gguf_path_must_exist(tmp_path):
    with pytest.raises(LLMError, match="CHATBI_MODEL__PATH"):
        resolve_model_file(ModelSettings(kind="gguf", path=tmp_path / "missing.gguf"))
