"""Exports stream from a server-side cursor into their file: the same bytes and rows as the in-memory export,
memory that does not grow with the rows, and no file when the responses change under the read."""

from __future__ import annotations

import io
import os
import tracemalloc

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select

from adkar.extensions import db
from adkar.jobs.models import Job
from adkar.surveys.definitions import registry
from adkar.surveys.models import Response, WaveGroup
from adkar.surveys.responses import export_jobs, exports, job_files
from adkar.surveys.responses.job_files import exports_dir
from adkar.timeutil import utc_now

from .wavedata import add_responses, make_wave

POOLED = "Other groups (each under 5)"


@pytest.fixture
def wave(factory):
    """Groups A (12, comments), B (6) and C (5): all visible, only A with comments."""
    made, (a, b, c), _owner = make_wave(factory, groups=3)
    add_responses(made, a, 12, value=4, comment="=SUM(A1)")
    add_responses(made, b, 6, value=2, comment="B's comment")
    add_responses(made, c, 5, value=3)
    return made


def streamed(wave, write) -> bytes:
    export = exports.plan_export(wave, registry.get(wave.survey_key), k=5)
    handle = io.BytesIO()
    write(export, handle)
    return handle.getvalue()


def test_the_streamed_csv_is_byte_for_byte_the_direct_download(wave):
    direct = exports.to_csv(exports.build_export(wave, registry.get(wave.survey_key), k=5))
    assert streamed(wave, exports.write_csv_file) == direct
    text = direct.decode("utf-8-sig")
    assert text.count("\r\n") == 1 + 23
    assert "'=SUM(A1)" in text and "B's comment" not in text  # neutralised; B under 10 shows none


def test_the_streamed_xlsx_holds_the_rows_and_notes_of_the_direct_one(wave):
    def sheets(body: bytes):
        book = load_workbook(io.BytesIO(body))
        return [list(r) for r in book["Responses"].iter_rows(values_only=True)], [
            r[0] for r in book["About"].iter_rows(values_only=True)
        ]

    direct = exports.to_xlsx(exports.build_export(wave, registry.get(wave.survey_key), k=5))
    rows, notes = sheets(streamed(wave, exports.write_xlsx_file))
    assert (rows, notes) == sheets(direct)
    assert len(rows) == 24 and sorted({r[0] for r in rows[1:]}) == ["Team A", "Team B", "Team C"]


def test_a_group_losing_a_response_mid_export_gives_no_file(wave):
    """C had exactly k when the pooling was decided: written with 4 rows it would show a group under k."""
    export = exports.plan_export(wave, registry.get(wave.survey_key), k=5)
    c_id = next(g for g, label in export.labels.items() if label == "Team C")
    one = db.session.scalars(select(Response.id).where(Response.group_id == c_id).limit(1)).one()
    db.session.execute(delete(Response).where(Response.id == one))
    db.session.commit()
    with pytest.raises(exports.ExportChanged):
        exports.write_csv_file(export, io.BytesIO())
    # Read afresh, C is pooled (4 < k) and B with it (complementary suppression).
    fresh = exports.build_export(wave, registry.get(wave.survey_key), k=5)
    assert {row[0] for row in fresh.rows} == {"Team A", POOLED}


def test_a_response_added_mid_export_gives_no_file(wave):
    export = exports.plan_export(wave, registry.get(wave.survey_key), k=5)
    add_responses(wave, db.session.get(WaveGroup, (wave.id, next(iter(export.counts)))).group, 5)
    with pytest.raises(exports.ExportChanged):
        list(exports.stream_rows(export))


def peak_bytes(wave, write) -> int:
    export = exports.plan_export(wave, registry.get(wave.survey_key), k=5)
    tracemalloc.start()
    try:
        write(export, io.BytesIO() if write is exports.write_xlsx_file else _Discard())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class _Discard(io.RawIOBase):
    """A file that forgets what it is given, so only the export's own memory is traced."""

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return len(data)


def test_csv_memory_does_not_grow_with_the_rows(factory, monkeypatch):
    monkeypatch.setattr(exports, "STREAM_BATCH", 50)
    small, (group,), _ = make_wave(factory)
    add_responses(small, group, 100)
    large, (group,), _ = make_wave(factory)
    add_responses(large, group, 2_000)
    db.session.commit()
    small_peak = peak_bytes(small, exports.write_csv_file)
    large_peak = peak_bytes(large, exports.write_csv_file)
    # In memory, 20x the rows would take ~20x the memory (about 1 kB a row); streamed, the peak stays put.
    assert large_peak < small_peak * 1.5 + 100_000, (small_peak, large_peak)


class _Lease:
    def __init__(self, keeps: bool) -> None:
        self.keeps, self.renewals = keeps, 0

    def renew(self) -> bool:
        self.renewals += 1
        return self.keeps


def queued(wave, fmt: str, owner_id: int) -> int:
    job = Job(
        kind=export_jobs.EXPORT_KIND, total=1, params={"format": fmt}, wave_id=wave.id, created_by=owner_id
    )
    db.session.add(job)
    db.session.commit()
    return job.id


def test_a_long_export_renews_its_lease_and_stops_when_it_is_lost(wave, factory, monkeypatch):
    monkeypatch.setattr(exports, "STREAM_BATCH", 5)
    monkeypatch.setattr(export_jobs, "RENEW_EVERY_SECONDS", 0.0)
    owner = factory.user("practitioner")
    kept = _Lease(keeps=True)
    done = export_jobs.run_export(queued(wave, "csv", owner.id), kept)
    assert not done.failed and kept.renewals == 4  # 23 rows, a heartbeat every 5
    lost = _Lease(keeps=False)
    job_id = queued(wave, "xlsx", owner.id)
    done = export_jobs.run_export(job_id, lost)
    assert done.failed and lost.renewals == 1
    assert not [
        p for p in exports_dir().iterdir() if p.name.startswith(f"{job_id}-")
    ]  # no file, not even a part


def test_a_killed_worker_s_half_written_file_is_swept_after_a_day(factory):
    old, new = exports_dir() / "7-old.csv.part", exports_dir() / "8-new.csv.part"
    old.write_bytes(b"half")
    new.write_bytes(b"half")
    stale = old.stat().st_mtime - 25 * 3600
    os.utime(old, (stale, stale))
    job_files.remove_expired(utc_now())
    assert not old.exists() and new.exists()
