"""A practitioner imports a SurveyMonkey export in the browser: the page says how it read the file, proposes
the columns, takes a correction and imports every group's responses at once."""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from playwright.sync_api import expect
from sqlalchemy import select

from adkar.extensions import db
from adkar.plan.models import StakeholderGroup
from adkar.surveys.definitions import registry
from adkar.surveys.models import Wave, WaveGroup

from ..surveys import tool_files
from .conftest import OPEN_DEMO_WAVE, PRACTITIONER, assert_no_js_errors, sign_in


def test_a_survey_monkey_export_is_mapped_previewed_and_imported(page, live_server, tmp_path):
    with live_server.app.app_context():
        wave_id, survey_key = db.session.execute(
            select(Wave.id, Wave.survey_key).where(Wave.name == OPEN_DEMO_WAVE)
        ).one()
        names = db.session.scalars(
            select(StakeholderGroup.name)
            .join(WaveGroup, WaveGroup.group_id == StakeholderGroup.id)
            .where(WaveGroup.wave_id == wave_id)
            .order_by(StakeholderGroup.name)
        ).all()[:2]
        items = [item for item in registry.get(survey_key).items if item.scored]
    texts = [item.text["en"] for item in items]
    rows = [(names[i % 2], [4, 3, 5, *([(i % 5) + 1] * (len(texts) - 3))], "") for i in range(10)]
    path = tmp_path / "Sheet_1.csv"
    path.write_bytes(tool_files.surveymonkey_csv(rows, texts))
    sign_in(page, PRACTITIONER)
    page.goto(f"/waves/{wave_id}/responses/import")
    page.get_by_label("Stakeholder group").select_option(label="Named in a column of the file")
    page.locator("#file").set_input_files(str(path))
    page.get_by_role("button", name="Import responses").click()

    expect(page.locator("#file-reading")).to_contain_text(
        "Read as UTF-8 (with BOM), comma-separated, 2 header rows"
    )
    expect(page.locator("#identity-columns")).to_contain_text("IP Address")
    expect(page.locator("#group-counts")).to_contain_text(f"{names[0]}: 5 responses")
    comment = f"What column {get_column_letter(11 + len(texts))} holds"  # after 9 tool columns and the group
    page.get_by_label(comment).select_option("ignore")  # the comment: leave it out
    page.get_by_role("button", name="Check again").click()
    expect(page.get_by_label(comment)).to_have_value("ignore")
    page.get_by_role("button", name="Import 10 responses").click()

    expect(page.get_by_role("status").first).to_contain_text("Imported 10 responses")
    assert_no_js_errors(page)
