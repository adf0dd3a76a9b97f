"""Answer field types shared by the resources' declarations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from ..fields import MAX_ID

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Moment = Annotated[datetime, Field(description="UTC")]
Url = Annotated[str, Field(description="A path on this server")]
Count = Annotated[int, Field(ge=0)]
