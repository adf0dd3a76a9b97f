"""The built wheel works on its own: templates, static files, survey definitions and migrations ship inside it."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]

CHECK = textwrap.dedent(
    """
    import os, sys
    target, workdir = sys.argv[1], sys.argv[2]
    import adkar
    assert os.path.realpath(adkar.__file__).startswith(os.path.realpath(target)), adkar.__file__
    from adkar import create_app
    from adkar.migrate import upgrade
    url = "sqlite:///" + os.path.join(workdir, "installed.sqlite3")
    app = create_app({"TESTING": True, "SECRET_KEY": "packaging", "SQLALCHEMY_DATABASE_URI": url})
    assert os.path.realpath(app.template_folder).startswith(os.path.realpath(target)), app.template_folder
    upgrade(app)
    client = app.test_client()
    page = client.get("/login")
    assert page.status_code == 200 and b"Sign in" in page.data, page.status_code
    css = client.get("/static/css/app.css")
    assert css.status_code == 200 and b"--color-primary" in css.data, css.status_code
    definitions = app.extensions["adkar_surveys"]["definitions"]
    assert "adkar-pulse" in definitions, sorted(definitions)
    print("installed wheel OK")
    """
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)]
    if importlib.util.find_spec("hatchling") is not None:
        command.insert(5, "--no-build-isolation")  # offline: use the installed build backend
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("adkar-*.whl")
    return built


def test_wheel_contents(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "adkar/__init__.py",
        "adkar/migrations/env.py",
        "adkar/migrations/script.py.mako",
        "adkar/_resources/templates/base.html",
        "adkar/_resources/templates/accounts/login.html",
        "adkar/_resources/static/css/app.css",
        "adkar/_resources/static/css/print.css",
        "adkar/_resources/surveys/adkar-pulse.toml",
    ):
        assert required in names, required
    assert any(n.startswith("adkar/migrations/versions/") and n.endswith(".py") for n in names)
    leaked = [
        n
        for n in names
        if n.startswith(("tests/", "instance/", ".venv/")) or n.endswith((".sqlite3", ".pyc"))
    ]
    assert not leaked, leaked


def test_installed_wheel_runs_from_anywhere(wheel, tmp_path):
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADKAR_") and k != "DATABASE_URL"}
    env["PYTHONPATH"] = str(target)
    result = subprocess.run(
        [sys.executable, "-c", CHECK, str(target), str(workdir)],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "installed wheel OK" in result.stdout
