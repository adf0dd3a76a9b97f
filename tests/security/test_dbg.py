import pytest
from tests.security.test_xss import *  # noqa
from tests.security import test_xss as t

@pytest.fixture(autouse=True)
def no_escape(app):
    app.jinja_env.autoescape = False
