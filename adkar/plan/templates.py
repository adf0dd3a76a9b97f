"""Plan templates: the milestones each delivery approach usually has, relative to go-live.

Kept as data so practitioners' vocabulary can grow without code changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class TemplateMilestone:
    name: str
    kind: str
    days_from_go_live: int
    target_element: str


MILESTONE_KINDS = (
    "design-signoff",
    "uat",
    "training",
    "go-live",
    "hypercare-end",
    "release",
    "other",
)

KIND_LABELS = {
    "design-signoff": "Design sign-off",
    "uat": "User acceptance testing",
    "training": "Training complete",
    "go-live": "Go-live",
    "hypercare-end": "Hypercare end",
    "release": "Release",
    "other": "Other",
}

TEMPLATES: dict[str, tuple[TemplateMilestone, ...]] = {
    # Waterfall: one element per phase, ability by go-live, reinforcement by the end of hypercare.
    "sequential": (
        TemplateMilestone("Design sign-off", "design-signoff", -120, "awareness"),
        TemplateMilestone("User acceptance testing", "uat", -60, "desire"),
        TemplateMilestone("Training complete", "training", -14, "knowledge"),
        TemplateMilestone("Go-live", "go-live", 0, "ability"),
        TemplateMilestone("Hypercare end", "hypercare-end", 42, "reinforcement"),
    ),
    # Agile releases: awareness and desire early, then knowledge and ability per release.
    "iterative": (
        TemplateMilestone("Kick-off and case for change", "other", -90, "awareness"),
        TemplateMilestone("Sprint reviews open to users", "other", -60, "desire"),
        TemplateMilestone("Release 1", "release", -30, "knowledge"),
        TemplateMilestone("Release 2 (go-live)", "go-live", 0, "ability"),
        TemplateMilestone("Release 3", "release", 30, "ability"),
        TemplateMilestone("Hypercare end", "hypercare-end", 60, "reinforcement"),
    ),
    # Sequential design, iterative build and training.
    "hybrid": (
        TemplateMilestone("Design sign-off", "design-signoff", -100, "awareness"),
        TemplateMilestone("Pilot release", "release", -45, "desire"),
        TemplateMilestone("Training complete", "training", -10, "knowledge"),
        TemplateMilestone("Go-live", "go-live", 0, "ability"),
        TemplateMilestone("Hypercare end", "hypercare-end", 45, "reinforcement"),
    ),
}


def suggested_milestones(approach: str, go_live: date) -> list[dict]:
    """The template's milestones with dates offered relative to go-live (editable before saving)."""
    return [
        {
            "name": m.name,
            "kind": m.kind,
            "due": go_live + timedelta(days=m.days_from_go_live),
            "target_element": m.target_element,
        }
        for m in TEMPLATES[approach]
    ]
