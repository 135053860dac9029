"""compose.yaml and the proxy's Caddyfile agree with the app: the settings they pass exist and parse,
the replicas share their state, sessions stick to one replica, and secrets come from the environment."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from core.config import Settings
from core.db import normalized_url

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
APP_ENV = SERVICES["app"]["environment"]


def test_every_setting_compose_passes_is_one_the_app_reads() -> None:
    known = {name.upper() for name in Settings.model_fields}
    passed = {name for name in APP_ENV if name.startswith("MLSTUDIO_")}
    assert passed and passed <= known, passed - known


def test_replicas_share_database_fiftyone_and_files() -> None:
    assert SERVICES["app"]["deploy"]["replicas"] >= 2
    url = re.sub(r"\$\{POSTGRES_PASSWORD:\?[^}]*\}", "secret", APP_ENV["MLSTUDIO_DATABASE_URL"])
    assert normalized_url(url).startswith("postgresql+psycopg://mlstudio:secret@postgres:5432/")
    assert APP_ENV["FIFTYONE_DATABASE_URI"].startswith("mongodb://mongo:")
    assert {"postgres", "mongo"} <= set(SERVICES["app"]["depends_on"])
    assert f"data:{APP_ENV['MLSTUDIO_DATA_DIR']}" in SERVICES["app"]["volumes"]
    assert APP_ENV["MLSTUDIO_DEPLOYED"] == "true"  # private spaces, public addresses only


def test_secrets_are_required_from_the_environment_not_written_here() -> None:
    for value in (APP_ENV["STREAMLIT_SERVER_COOKIE_SECRET"], SERVICES["postgres"]["environment"]["POSTGRES_PASSWORD"]):
        assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]+\}", value), value  # compose refuses to start without it


def test_the_proxy_sticks_a_browser_to_one_replica_on_the_app_port() -> None:
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    port = re.search(r'--server.port "\$\{PORT:-(\d+)\}"', (ROOT / "scripts" / "entrypoint.sh").read_text())
    assert port is not None
    assert re.search(rf"dynamic a app {port[1]}\b", caddyfile)
    assert re.search(r"^\s*lb_policy cookie\b", caddyfile, re.M)
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in SERVICES["proxy"]["volumes"]
