"""Where a model lives: one OpenAI-compatible HTTP endpoint and how to talk to it."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.llm.providers.endpoint_checks import check_base_url, check_headers

WireApi = Literal["chat", "responses"]


class RuntimeEndpoint(BaseModel):
    """A model provider (``[model_providers.ID]`` in config.toml, same keys as the Codex CLI)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    base_url: str
    env_key: str | None = None
    env_key_instructions: str | None = None
    wire_api: WireApi = "chat"
    query_params: dict[str, str] | None = None
    http_headers: dict[str, str] | None = None
    env_http_headers: dict[str, str] | None = None
    requires_auth: bool = Field(
        default=False, description="use the key saved by `lha login` when env_key is unset"
    )
    request_max_retries: int = Field(default=4, ge=0, le=100)
    stream_max_retries: int = Field(default=5, ge=0, le=100)
    stream_idle_timeout_ms: int = Field(default=300_000, gt=0)
    embedded: bool = Field(
        default=False,
        description="lha starts the model server itself (the built-in `local` provider); "
        "base_url is only a name until the server runs on its free port",
    )

    # Checked here, so a bad value is reported with its config key when config.toml is read.
    @field_validator("base_url")
    @classmethod
    def _sendable_base_url(cls, url: str) -> str:
        return check_base_url(url)

    @field_validator("http_headers")
    @classmethod
    def _sendable_headers(cls, headers: dict[str, str] | None) -> dict[str, str] | None:
        return check_headers(headers)
