"""The production gunicorn settings load as gunicorn reads them and freeze each worker's loaded app."""

from __future__ import annotations

import gc
import importlib

from gunicorn.app.base import Application

from adkar import gunicorn_conf


class _Probe(Application):
    """gunicorn's own configuration loading, without starting a server."""

    def load_config(self) -> None:
        self.load_config_from_module_name_or_filename("python:adkar.gunicorn_conf")

    def init(self, parser, opts, args):  # pragma: no cover - load_config above replaces the argv parsing
        return None

    def load(self):  # pragma: no cover - never served
        raise AssertionError("not served")


def test_gunicorn_reads_the_settings_module(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setattr("sys.argv", ["gunicorn"])
    importlib.reload(gunicorn_conf)
    try:
        config = _Probe().cfg
        assert (config.worker_class_str, config.workers, config.timeout) == ("sync", 3, 120)
        assert config.bind == ["127.0.0.1:8000"]
        assert config.post_worker_init is gunicorn_conf.post_worker_init
    finally:
        monkeypatch.delenv("WEB_CONCURRENCY")
        importlib.reload(gunicorn_conf)


def test_a_worker_that_loaded_the_app_freezes_it(app):
    before = gc.get_freeze_count()
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
