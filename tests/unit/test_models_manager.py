"""ModelsManager over real HTTP to the scripted server on 127.0.0.1, with real cache files."""

from __future__ import annotations

import asyncio
import json
import socket
import stat
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
import pytest_asyncio

from core.auth import AuthManager, LhaAuth
from core.config import Config
from core.errors import ConfigError, TryLockError
from core.llm.providers.built_in import built_in_providers
from core.llm.providers.endpoint import RuntimeEndpoint
from core.models import ModelsManager, bundled_models, fallback_metadata_warning
from core.models.info import ModelPreset
from core.models.refresh_strategy import CatalogRefreshStrategy as S
from tests.support.scripted_server import ScriptedServer

PID = "scripted"


def endpoint(base_url: str, **fields: object) -> RuntimeEndpoint:
    return RuntimeEndpoint(name="Scripted", base_url=base_url, **fields)  # type: ignore[arg-type]


def model_gets(server: ScriptedServer) -> int:
    return sum(1 for r in server.requests if r.method == "GET" and r.path.endswith("/models"))


def slugs(presets: list[ModelPreset]) -> list[str]:
    return [p.model for p in presets]


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def config(tmp_path: Path, scripted_server: ScriptedServer) -> Config:
    return Config.for_testing(tmp_path, tmp_path, PID, endpoint(scripted_server.base_url))


@pytest.fixture
def manager(tmp_path: Path, config: Config, clock: Clock) -> ModelsManager:
    return ModelsManager(tmp_path, AuthManager(tmp_path), PID, config.model_provider, clock=clock)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


@pytest_asyncio.fixture
async def stalling_server() -> AsyncIterator[tuple[str, asyncio.Event, asyncio.Event]]:
    """A loopback server whose /models answers only when ``release`` is set."""
    accepted, release = asyncio.Event(), asyncio.Event()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        accepted.set()
        await release.wait()
        body = json.dumps({"data": [{"id": "slow-model"}]}).encode()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/v1", accepted, release
    release.set()
    server.close()
    await server.wait_closed()


# -- sources and merging ---------------------------------------------------------------------


async def test_remote_models_by_priority_with_preset_metadata(
    scripted_server: ScriptedServer, manager: ModelsManager, config: Config
) -> None:
    scripted_server.models = ["my-finetune", "qwen2.5-coder:7b", "smollm2-135m"]
    presets = await manager.list_models(config, S.ONLINE)
    assert slugs(presets) == ["smollm2-135m", "qwen2.5-coder:7b", "my-finetune"]
    by_slug = {p.model: p for p in presets}
    assert by_slug["smollm2-135m"].context_window == 4096
    assert by_slug["qwen2.5-coder:7b"].context_window == 32768
    assert by_slug["my-finetune"].context_window is None
    assert [p.is_default for p in presets] == [True, False, False]
    assert manager.last_warning is None


async def test_cache_file_shape_and_mode(
    tmp_path: Path, scripted_server: ScriptedServer, manager: ModelsManager, config: Config
) -> None:
    scripted_server.models = ["a", "b"]
    await manager.list_models(config, S.ONLINE)
    path = tmp_path / "models_cache.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    entry = json.loads(path.read_text())[PID]
    assert entry["etag"] == scripted_server.models_etag
    assert entry["client_version"]
    assert entry["base_url"] == scripted_server.base_url
    assert [m["slug"] for m in entry["models"]] == ["a", "b"]
    datetime.fromisoformat(entry["fetched_at"])


# -- cache strategies ------------------------------------------------------------------------


async def test_fresh_cache_is_used_without_network(
    tmp_path: Path, scripted_server: ScriptedServer, config: Config, clock: Clock
) -> None:
    scripted_server.models = ["a"]
    first = ModelsManager(tmp_path, None, PID, config.model_provider, clock=clock)
    await first.list_models(config, S.ONLINE_IF_UNCACHED)
    assert model_gets(scripted_server) == 1
    scripted_server.models = ["b"]
    clock.now += 299
    second = ModelsManager(tmp_path, None, PID, config.model_provider, clock=clock)
    assert slugs(await second.list_models(config, S.ONLINE_IF_UNCACHED)) == ["a"]
    assert model_gets(scripted_server) == 1


async def test_expired_cache_is_refetched(
    tmp_path: Path, scripted_server: ScriptedServer, config: Config, clock: Clock
) -> None:
    scripted_server.models = ["a"]
    manager = ModelsManager(tmp_path, None, PID, config.model_provider, clock=clock)
    await manager.list_models(config, S.ONLINE_IF_UNCACHED)
    scripted_server.models = ["b"]
    scripted_server.models_etag = '"models-v2"'
    clock.now += 301
    assert slugs(await manager.list_models(config, S.ONLINE_IF_UNCACHED)) == ["b"]
    assert model_gets(scripted_server) == 2


async def test_etag_revalidation_keeps_list_and_renews_ttl(
    tmp_path: Path, scripted_server: ScriptedServer, config: Config, clock: Clock
) -> None:
    scripted_server.models = ["a"]
    manager = ModelsManager(tmp_path, None, PID, config.model_provider, clock=clock)
    await manager.list_models(config, S.ONLINE)
    scripted_server.models = ["changed-but-same-etag"]
    clock.now += 1000
    assert slugs(await manager.list_models(config, S.ONLINE)) == ["a"]
    last = scripted_server.requests[-1]
    assert last.headers["if-none-match"] == scripted_server.models_etag
    entry = json.loads((tmp_path / "models_cache.json").read_text())[PID]
    assert datetime.fromisoformat(entry["fetched_at"]).timestamp() == clock.now
    assert slugs(await manager.list_models(config, S.ONLINE_IF_UNCACHED)) == ["a"]
    assert model_gets(scripted_server) == 2


async def test_refresh_if_new_etag(
    tmp_path: Path, scripted_server: ScriptedServer, config: Config, clock: Clock
) -> None:
    scripted_server.models = ["a"]
    manager = ModelsManager(tmp_path, None, PID, config.model_provider, clock=clock)
    await manager.list_models(config, S.ONLINE)
    await manager.refresh_if_new_etag(scripted_server.models_etag)
    assert model_gets(scripted_server) == 1
    scripted_server.models, scripted_server.models_etag = ["b"], '"models-v2"'
    await manager.refresh_if_new_etag('"models-v2"')
    assert slugs(manager.try_list_models(config)) == ["b"]


async def test_client_version_mismatch_is_a_miss(
    tmp_path: Path, scripted_server: ScriptedServer, config: Config, clock: Clock
) -> None:
    scripted_server.models = ["old"]
    old = ModelsManager(
        tmp_path, None, PID, config.model_provider, clock=clock, client_version="0.0.1"
    )
    await old.list_models(config, S.ONLINE)
    scripted_server.models = ["new"]
    new = ModelsManager(tmp_path, None, PID, config.model_provider, clock=clock)
    offline = await new.list_models(config, S.OFFLINE)
    assert "old" not in slugs(offline), "a cache from another version is not used"
    assert slugs(await new.list_models(config, S.ONLINE_IF_UNCACHED)) == ["new"]
    assert model_gets(scripted_server) == 2


async def test_offline_never_fetches(
    tmp_path: Path, scripted_server: ScriptedServer, config: Config, clock: Clock
) -> None:
    manager = ModelsManager(tmp_path, None, PID, config.model_provider, clock=clock)
    presets = await manager.list_models(config, S.OFFLINE)
    assert model_gets(scripted_server) == 0
    assert slugs(presets) == [m.slug for m in bundled_models() if not m.official]


async def test_offline_uses_an_expired_cache(
    tmp_path: Path, scripted_server: ScriptedServer, config: Config, clock: Clock
) -> None:
    scripted_server.models = ["a"]
    await ModelsManager(tmp_path, None, PID, config.model_provider, clock=clock).list_models(
        config, S.ONLINE
    )
    clock.now += 10_000
    manager = ModelsManager(tmp_path, None, PID, config.model_provider, clock=clock)
    assert slugs(await manager.list_models(config, S.OFFLINE)) == ["a"]
    assert model_gets(scripted_server) == 1


async def test_corrupt_cache_is_a_miss(
    tmp_path: Path, scripted_server: ScriptedServer, manager: ModelsManager, config: Config
) -> None:
    (tmp_path / "models_cache.json").write_text("{not json")
    scripted_server.models = ["a"]
    assert slugs(await manager.list_models(config, S.ONLINE_IF_UNCACHED)) == ["a"]


# -- failures --------------------------------------------------------------------------------


async def test_unreachable_provider_falls_back_to_cache_then_presets(
    tmp_path: Path, scripted_server: ScriptedServer, clock: Clock
) -> None:
    url = scripted_server.base_url
    config = Config.for_testing(tmp_path, tmp_path, PID, endpoint(url))
    scripted_server.models = ["cached-model"]
    await ModelsManager(tmp_path, None, PID, endpoint(url), clock=clock).list_models(
        config, S.ONLINE
    )
    await scripted_server.aclose()  # the provider goes down; its cache stays
    clock.now += 10_000
    manager = ModelsManager(tmp_path, None, PID, endpoint(url), clock=clock)
    assert slugs(await manager.list_models(config, S.ONLINE)) == ["cached-model"]
    assert manager.last_warning is not None
    assert "cannot reach" in manager.last_warning
    assert "cached list" in manager.last_warning

    (tmp_path / "models_cache.json").unlink()
    manager = ModelsManager(tmp_path, None, PID, endpoint(url), clock=clock)
    presets = await manager.list_models(config, S.ONLINE)
    assert slugs(presets) == [m.slug for m in bundled_models() if not m.official]
    assert manager.last_warning is not None
    assert "bundled presets" in manager.last_warning


async def test_server_error_falls_back(
    scripted_server: ScriptedServer, manager: ModelsManager, config: Config
) -> None:
    scripted_server.models = ["a"]
    await manager.list_models(config, S.ONLINE)
    scripted_server.models_status = 500
    assert slugs(await manager.list_models(config, S.ONLINE)) == ["a"]
    assert manager.last_warning is not None
    assert "HTTP 500" in manager.last_warning


async def test_missing_key_skips_the_network(
    tmp_path: Path, scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCRIPTED_KEY", raising=False)
    provider = endpoint(scripted_server.base_url, env_key="SCRIPTED_KEY")
    config = Config.for_testing(tmp_path, tmp_path, PID, provider)
    manager = ModelsManager(tmp_path, AuthManager(tmp_path), PID, provider)
    presets = await manager.list_models(config, S.ONLINE)
    assert model_gets(scripted_server) == 0
    assert presets, "bundled presets answer"
    assert manager.last_warning is not None
    assert "SCRIPTED_KEY" in manager.last_warning


async def test_key_is_sent_as_bearer(
    tmp_path: Path, scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCRIPTED_KEY", "sk-scripted")
    provider = endpoint(
        scripted_server.base_url, env_key="SCRIPTED_KEY", http_headers={"X-Extra": "1"}
    )
    config = Config.for_testing(tmp_path, tmp_path, PID, provider)
    await ModelsManager(tmp_path, None, PID, provider).list_models(config, S.ONLINE)
    request = scripted_server.requests[-1]
    assert request.headers["authorization"] == "Bearer sk-scripted"
    assert request.headers["x-extra"] == "1"
    assert "sk-scripted" not in (tmp_path / "models_cache.json").read_text()


async def test_keyless_provider_sends_no_auth_header(
    scripted_server: ScriptedServer, manager: ModelsManager, config: Config
) -> None:
    await manager.list_models(config, S.ONLINE)
    assert "authorization" not in scripted_server.requests[-1].headers


# -- provider switch -------------------------------------------------------------------------


async def test_switch_provider_isolation(tmp_path: Path, clock: Clock) -> None:
    async with ScriptedServer() as one, ScriptedServer() as two:
        one.models, two.models = ["one-model"], ["two-model"]
        p1, p2 = endpoint(one.base_url), endpoint(two.base_url)
        config = Config.for_testing(tmp_path, tmp_path, "one", p1)
        manager = ModelsManager(tmp_path, None, "one", p1, clock=clock)
        assert slugs(await manager.list_models(config, S.ONLINE)) == ["one-model"]

        await manager.switch_provider("two", p2)
        assert manager.provider_id == "two"
        assert "one-model" not in slugs(manager.try_list_models(config))
        assert slugs(await manager.list_models(config, S.ONLINE)) == ["two-model"]
        assert model_gets(one) == 1
        assert model_gets(two) == 1

        await manager.switch_provider("one", p1)
        assert slugs(manager.try_list_models(config)) == ["one-model"], "its cache reloaded"
        await manager.list_models(config, S.ONLINE_IF_UNCACHED)
        assert (model_gets(one), model_gets(two)) == (1, 1)
        cache = json.loads((tmp_path / "models_cache.json").read_text())
        assert [m["slug"] for m in cache["one"]["models"]] == ["one-model"]
        assert [m["slug"] for m in cache["two"]["models"]] == ["two-model"]


async def test_switch_during_refresh_keeps_old_result_out(
    tmp_path: Path,
    stalling_server: tuple[str, asyncio.Event, asyncio.Event],
    scripted_server: ScriptedServer,
) -> None:
    slow_url, accepted, release = stalling_server
    slow = endpoint(slow_url)
    config = Config.for_testing(tmp_path, tmp_path, "slow", slow)
    manager = ModelsManager(tmp_path, None, "slow", slow)
    task = asyncio.create_task(manager.list_models(config, S.ONLINE))
    await asyncio.wait_for(accepted.wait(), 5)
    scripted_server.models = ["fast-model"]
    await manager.switch_provider("fast", endpoint(scripted_server.base_url))
    release.set()
    await task
    assert "slow-model" not in slugs(manager.try_list_models(config))
    cache = json.loads((tmp_path / "models_cache.json").read_text())
    assert [m["slug"] for m in cache["slow"]["models"]] == ["slow-model"]
    assert slugs(await manager.list_models(config, S.ONLINE)) == ["fast-model"]


# -- try_* -----------------------------------------------------------------------------------


async def test_try_forms_raise_while_a_refresh_holds_the_lock(
    tmp_path: Path, stalling_server: tuple[str, asyncio.Event, asyncio.Event]
) -> None:
    url, accepted, release = stalling_server
    provider = endpoint(url)
    config = Config.for_testing(tmp_path, tmp_path, PID, provider)
    manager = ModelsManager(tmp_path, None, PID, provider)
    assert manager.try_list_models(config), "bundled presets before any refresh"
    task = asyncio.create_task(manager.list_models(config, S.ONLINE))
    await asyncio.wait_for(accepted.wait(), 5)
    for call in (
        lambda: manager.try_list_models(config),
        lambda: manager.try_list_picker_models(config),
        lambda: manager.try_list_model_switcher_models(config),
        lambda: manager.try_is_official_openai_model(config, "gpt-5.1", "openai"),
    ):
        with pytest.raises(TryLockError):
            call()
    release.set()
    assert slugs(await task) == ["slow-model"]
    assert slugs(manager.try_list_models(config)) == ["slow-model"]


# -- lookups and defaults --------------------------------------------------------------------


async def test_model_info_longest_prefix_and_namespace(
    manager: ModelsManager, config: Config
) -> None:
    info = await manager.get_model_info("gpt-5.1-codex-mini-2026-01-01", config)
    assert info.slug == "gpt-5.1-codex-mini-2026-01-01"
    assert info.display_name == "GPT-5.1 Codex Mini"
    assert info.used_fallback_model_metadata is False
    assert (await manager.get_model_info("gpt-5.1-codex", config)).display_name == "GPT-5.1 Codex"
    assert (await manager.get_model_info("gpt-5.1-preview", config)).display_name == "GPT-5.1"
    namespaced = await manager.get_model_info("openai/gpt-4.1", config)
    assert namespaced.slug == "openai/gpt-4.1"
    assert namespaced.context_window == 1047576
    ollama_style = await manager.get_model_info("gpt-oss:20b", config)
    assert ollama_style.display_name == "gpt-oss 20B"
    deep = await manager.get_model_info("a/b/gpt-4.1", config)
    assert deep.used_fallback_model_metadata is True


async def test_unknown_model_gets_fallback_metadata(manager: ModelsManager, config: Config) -> None:
    info = await manager.get_model_info("totally-unknown", config)
    assert info.slug == "totally-unknown"
    assert info.used_fallback_model_metadata is True
    assert info.display_name == "totally-unknown"
    assert "`totally-unknown`" in fallback_metadata_warning(info.slug)


async def test_default_model_rules(
    scripted_server: ScriptedServer, manager: ModelsManager, config: Config
) -> None:
    assert await manager.get_default_model("explicit", config, S.OFFLINE) == "explicit"
    scripted_server.models = ["z-unknown", "gpt-oss-20b"]
    assert await manager.get_default_model(None, config, S.ONLINE) == "gpt-oss-20b"
    scripted_server.models = []
    scripted_server.models_etag = '"empty"'
    with pytest.raises(ConfigError, match="set model"):
        await manager.get_default_model(None, config, S.ONLINE)


async def test_official_openai_catalog_offline(tmp_path: Path) -> None:
    openai = built_in_providers()["openai"]
    config = Config.for_testing(tmp_path, tmp_path, "openai", openai)
    manager = ModelsManager(
        tmp_path, AuthManager.from_auth_for_testing(LhaAuth("sk-x")), "openai", openai
    )
    presets = await manager.list_models(config, S.OFFLINE)
    official = [m for m in bundled_models() if m.official]
    assert slugs(presets) == [m.slug for m in official]
    assert presets[0].is_default and sum(p.is_default for p in presets) == 1
    default = await manager.get_default_model(None, config, S.OFFLINE)
    assert default == official[0].slug
    assert manager.try_is_official_openai_model(config, "gpt-5.1-2026", "openai") is True
    assert manager.try_is_official_openai_model(config, "llama3.2", "openai") is False
    assert manager.try_is_official_openai_model(config, "gpt-5.1", PID) is False


async def test_picker_shows_visible_models_and_the_configured_one(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    openai_like = endpoint(scripted_server.base_url)
    hidden = next(m for m in bundled_models() if m.official and not m.show_in_picker)
    config = Config.for_testing(tmp_path, tmp_path, "openai", openai_like, model=hidden.slug)
    scripted_server.models = ["gpt-5.1", "whisper-1"]
    manager = ModelsManager(
        tmp_path, AuthManager.from_auth_for_testing(LhaAuth("k")), "openai", openai_like
    )
    everything = await manager.list_models(config, S.ONLINE)
    assert "whisper-1" in slugs(everything)
    picker = await manager.list_picker_models(config, S.ONLINE_IF_UNCACHED)
    visible = [m.slug for m in bundled_models() if m.official and m.show_in_picker]
    assert slugs(picker) == [*visible, hidden.slug]
    assert "whisper-1" not in slugs(picker)
    assert [p.model for p in picker if p.is_default] == [visible[0]]
    assert slugs(await manager.list_model_switcher_models(config, S.OFFLINE)) == slugs(picker)

    custom = config.model_copy(update={"model": "my-own-model"})
    picker = manager.try_list_picker_models(custom)
    assert picker[-1].model == "my-own-model"
    assert picker[-1].show_in_picker and not picker[-1].is_default


def test_identities(tmp_path: Path) -> None:
    manager = ModelsManager(tmp_path, None, PID, endpoint("http://127.0.0.1:1/v1"))
    identities = manager.list_identities()
    assert identities[0].id == "default"
    assert len({i.id for i in identities}) == len(identities)


def test_bundled_presets_are_well_formed() -> None:
    models = bundled_models()
    assert len(models) >= 12
    assert len({m.slug for m in models}) == len(models)
    assert [m.priority for m in models] == sorted(m.priority for m in models)
    for m in models:
        if m.default_reasoning_effort is not None:
            efforts = [e.effort for e in m.supported_reasoning_efforts]
            assert m.default_reasoning_effort in efforts, m.slug
    assert {"gpt-5.1", "gpt-5.1-codex", "gpt-5-mini", "gpt-4.1", "o4-mini", "smollm2-135m"} <= {
        m.slug for m in models
    }
