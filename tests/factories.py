"""Factories for test data, going through the same services the app uses."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from adkar.accounts import services as accounts
from adkar.accounts.models import User
from adkar.extensions import db
from adkar.plan.models import Initiative, InitiativeMember, Milestone, StakeholderGroup


class Factory:
    PASSWORD = "correct-horse-battery"
    _seq = itertools.count(1)

    def user(self, role: str = "practitioner", email: str | None = None) -> User:
        email = email or f"{role}{next(self._seq)}@example.test"
        return accounts.create_user(email=email, role=role, password=self.PASSWORD)

    def token(self, user: User) -> str:
        return accounts.create_api_token(user=user, name="test")[1]

    def initiative(
        self,
        owner: User,
        *,
        name: str = "Service desk migration",
        go_live: date | None = None,
        approach: str = "sequential",
        sponsors: tuple[User, ...] = (),
        members: tuple[User, ...] = (),
    ) -> Initiative:
        initiative = Initiative(
            name=name,
            description="",
            approach=approach,
            go_live=go_live or date.today() + timedelta(days=90),
            owner_id=owner.id,
        )
        db.session.add(initiative)
        db.session.flush()
        for sponsor in sponsors:
            db.session.add(InitiativeMember(initiative_id=initiative.id, user_id=sponsor.id, role="sponsor"))
        for member in members:
            db.session.add(
                InitiativeMember(initiative_id=initiative.id, user_id=member.id, role="practitioner")
            )
        db.session.commit()
        return initiative

    def group(self, initiative: Initiative, name: str | None = None, headcount: int = 20) -> StakeholderGroup:
        group = StakeholderGroup(
            initiative_id=initiative.id, name=name or f"Group {next(self._seq)}", headcount=headcount
        )
        db.session.add(group)
        db.session.commit()
        return group

    def milestone(
        self,
        initiative: Initiative,
        *,
        name: str = "Go-live",
        kind: str = "go-live",
        due: date | None = None,
        target_element: str = "ability",
        threshold: float = 0.8,
        groups: tuple[StakeholderGroup, ...] = (),
    ) -> Milestone:
        milestone = Milestone(
            initiative_id=initiative.id,
            name=name,
            kind=kind,
            due=due or initiative.go_live,
            target_element=target_element,
            threshold=threshold,
            groups=list(groups),
        )
        db.session.add(milestone)
        db.session.commit()
        return milestone
