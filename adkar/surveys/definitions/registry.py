"""Load and validate the survey definitions once at start-up; a bad file stops the app."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from ...resources import resource_dir
from .survey import SurveyDefinition, load_definitions, load_messages

EXTENSION_KEY = "adkar_surveys"


def init_app(app: Flask) -> None:
    directory = Path(app.config["SURVEYS_DIR"] or resource_dir("surveys"))
    app.extensions[EXTENSION_KEY] = {
        "definitions": load_definitions(directory),
        "messages": load_messages(directory),
    }


def definitions() -> dict[str, SurveyDefinition]:
    return current_app.extensions[EXTENSION_KEY]["definitions"]


def get(key: str) -> SurveyDefinition | None:
    return definitions().get(key)


def messages():
    return current_app.extensions[EXTENSION_KEY]["messages"]
