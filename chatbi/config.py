"""ChatBI settings: one YAML file plus CHATBI_* environment variables (env wins).

The file is the one named by ``--config``/``CHATBI_CONFIG``, else ``./chatbi.yaml`` if it
exists. Nested keys use ``__`` in the environment: ``CHATBI_MODEL__KIND=openai``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict, YamlConfigSettingsSource

DEFAULT_CONFIG_FILE = "chatbi.yaml"


class ConfigError(Exception):
    """A configuration problem the user must fix; the message says where and how."""


class ModelSettings(BaseModel):
    # bundled: a GGUF assembled from the installed chunk packages; gguf: any local file;
    # openai: an OpenAI-compatible HTTP endpoint run by the company; none: rules only (no model:
    # paraphrases the matcher cannot place are clarified instead of read).
    kind: Literal["bundled", "gguf", "openai", "none"] = "bundled"
    bundled: Literal["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"] = "qwen2.5-coder-1.5b"
    path: Path | None = None
    base_url: str | None = None
    name: str | None = None
    api_key_env: str = "CHATBI_OPENAI_API_KEY"
    cache_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_cache_dir("chatbi")) / "models")
    n_ctx: int = 4096
    n_threads: int | None = None
    timeout_s: float = 60.0


class WarehouseSettings(BaseModel):
    # A DuckDB file path, or any SQLAlchemy URL (postgresql+psycopg://…).
    url: str = "data/demo.duckdb"
    # Limits on every embedded DuckDB connection (the guard is not the only barrier).
    memory_limit: str = "4GB"
    threads: int | None = None  # default: the machine's cores
    max_result_mb: float = 16.0  # a result bigger than this is refused, whatever its row count

    def limits(self) -> dict:
        return {"memory_limit": self.memory_limit, "threads": self.threads,
                "max_result_bytes": int(self.max_result_mb * 2**20)}


class AppDBSettings(BaseModel):
    # Users, feedback, verified answers, dashboards and audit. Default: a SQLite file beside the
    # config file (or in data_dir); any SQLAlchemy URL when several app servers share it.
    url: str | None = None


class AuthSettings(BaseModel):
    # password: local users with hashed passwords; none: one local user, for trying ChatBI alone.
    mode: Literal["password", "none"] = "password"
    none_role: str = "analyst"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHATBI_", env_nested_delimiter="__", extra="forbid")

    model: ModelSettings = Field(default_factory=ModelSettings)
    warehouse: WarehouseSettings = Field(default_factory=WarehouseSettings)
    app_db: AppDBSettings = Field(default_factory=AppDBSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    catalog: Path | None = None
    data_dir: Path = Path("data")
    config_file: Path | None = None

    def app_db_url(self) -> str:
        if self.app_db.url:
            return self.app_db.url
        folder = self.config_file.parent if self.config_file else self.data_dir
        return f"sqlite:///{(folder / 'chatbi-app.sqlite').resolve()}"


def resolve_config_file(explicit: str | os.PathLike | None = None) -> Path | None:
    candidate = explicit or os.environ.get("CHATBI_CONFIG")
    if candidate:
        path = Path(candidate)
        if not path.is_file():
            raise ConfigError(f"Config file {path} does not exist. Create it or unset CHATBI_CONFIG.")
        return path
    default = Path(DEFAULT_CONFIG_FILE)
    return default if default.is_file() else None


def load_settings(config_file: str | os.PathLike | None = None) -> Settings:
    path = resolve_config_file(config_file)

    class _FileBackedSettings(Settings):
        @classmethod
        def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                       file_secret_settings):
            sources = [init_settings, env_settings]
            if path is not None:
                sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=path))
            return tuple(sources)

    try:
        settings = _FileBackedSettings()
    except ValidationError as exc:
        where = f"in {path}" if path else "in CHATBI_* environment variables"
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"Invalid configuration {where}: {problems}. See docs/configuration.md.") from exc
    except Exception as exc:  # YAML syntax errors surface here
        raise ConfigError(f"Cannot read configuration file {path}: {exc}") from exc
    settings.config_file = path
    return Settings.model_validate(settings.model_dump())
