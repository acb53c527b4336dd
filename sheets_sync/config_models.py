"""The workspace file's schema (``sheets-sync.yaml``), as pydantic models: every key, its
type, default and bounds. Unknown keys are errors (``Strict``); ``config.py`` loads a
file through these and resolves it into a ``Workspace``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, get_args
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sheets_sync.domain.celltext import CELL_CHARS, utf16_len
from sheets_sync.domain.rules import ScoringRules
from sheets_sync.domain.values import not_before_first_date
from sheets_sync.yamlio import DATE_WANTED, as_yaml


class Strict(BaseModel):
    # allow_inf_nan: YAML's .inf / .nan (and 1e400) passed ge=0; a weight of .inf showed
    # blank in the rollup workbook and inf in its export
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_yes_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """YAML reads yes/no/on/off/true as booleans, which pydantic took as 1 and 0:
        ``run_reports: {keep: yes}`` kept one report and deleted the rest."""
        if isinstance(value, bool) and info.field_name is not None:
            kinds = set(get_args(cls.model_fields[info.field_name].annotation)) or {
                cls.model_fields[info.field_name].annotation
            }
            if kinds & {int, float} and bool not in kinds:  # a count: a whole number
                wanted = "a number" if float in kinds else "a whole number"
                raise ValueError(f"should be {wanted}, not {str(value).lower()}")
        return value


def _fits_a_cell(value: str) -> str:
    """A name or id the rollup pivots by (Team, Period, Company objective ID) is never cut
    to what a cell holds, as prose is: cut, two could become one. So a longer one is
    refused here (Excel "repaired" a longer cell, Google refuses one past 50,000)."""
    if (units := utf16_len(value)) > CELL_CHARS:
        raise ValueError(
            f"is {units:,} characters long; a name or id is at most {CELL_CHARS:,} "
            "(what an Excel cell holds)"
        )
    return value


#: A name or an id the rollup shows in a cell of its own, and is pivoted by.
Key = Annotated[str, AfterValidator(_fits_a_cell)]


def _not_blank(name: str) -> str:
    """``company: "  "`` loaded and ``config check`` said ``ok:    , period ...``."""
    if name and not name.strip():
        raise ValueError("is blank; give the name reports and the rollup show")
    return name


#: A date the company workbook shows: one before 1900-03-01 (a typo, 1850 for 2025) went
#: in as a negative day number (Excel ``####``; the export showed 1850-01-01). Refused
#: with the words a team's date cell gets.
Day = Annotated[dt.date, AfterValidator(not_before_first_date)]


#: The most any count or size of this file may be: far past any real one, and below what
#: broke (a history count past SQLite's integers, ``1e308`` MB past a float's bytes)
MAX_SETTING = 1_000_000_000


class PeriodModel(Strict):
    #: the rollup's Period, by which the next night finds a failed team's last good rows:
    #: an empty or blank one loaded (until 2026-12-07)
    name: Annotated[Key, AfterValidator(_not_blank)] = Field(min_length=1)
    start: Day
    end: Day

    @field_validator("start", "end", mode="before")
    @classmethod
    def _not_a_number(cls, value: Any) -> Any:
        """``start: 20261001`` was read as seconds since 1970 and refused as "Datetimes
        provided to dates should have zero time", which says nothing of the format."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(f"should be {DATE_WANTED}, not {value}")
        return value

    @model_validator(mode="after")
    def _order(self) -> PeriodModel:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


class CompanyObjectiveModel(Strict):
    id: Key
    title: str
    weight: float = Field(default=1.0, ge=0)


class TeamModel(Strict):
    name: Key = Field(min_length=1)
    source: str = Field(min_length=1)
    mapping: str = "standard"


class RollupModel(Strict):
    output: str = "company.xlsx"


#: The smallest ``kpi_tolerance`` read as a percentage typed whole (2 for 2 %): between 1
#: and it the number may as well be a factor (1.5 for 150 %).
_WHOLE_TOLERANCE = 2


class ScoringModel(Strict):
    green: float = Field(default=0.7, ge=0, le=1)
    yellow: float = Field(default=0.4, ge=0, le=1)
    on_track_margin: float = Field(default=0.10, ge=0, le=1)
    at_risk_margin: float = Field(default=0.25, ge=0, le=1)
    aspirational_ambition: float = Field(default=0.7, gt=0, le=1)
    kpi_tolerance: float = Field(default=0.10, ge=0)
    stale_grace_days: int = Field(default=3, ge=0, le=MAX_SETTING)
    low_confidence: float = Field(default=0.4, ge=0, le=1)

    @field_validator("kpi_tolerance")
    @classmethod
    def _a_fraction(cls, tolerance: float) -> float:
        """``kpi_tolerance: 10``, meant as 10 %, loaded and made every higher-is-better KPI
        from -9 times its target up Amber, never Red. Above 1 the amber band of such a KPI
        reaches below 0, which no workspace means (a wide band for one KPI is its Amber
        threshold cell); the other fractions of this section stop at 1 too."""
        if tolerance > 1:
            # 10 is 10 % typed whole; 1.5 (150 %? 1.5 %?) and 150 are no such guess, and
            # "type 0.015 for 1.5%" misled (2026-12-06)
            meant = (
                f"type {tolerance / 100:g} for {tolerance:g}%"
                if _WHOLE_TOLERANCE <= tolerance <= 100
                else "type a fraction from 0 to 1"
            )
            raise ValueError(
                f"{tolerance:g} is above 1: a tolerance is a fraction of a KPI's target "
                "(0.1 is 10%), and above 1 the amber band of a higher-is-better KPI reaches "
                f"below 0; {meant}"
            )
        return tolerance

    def rules(self) -> ScoringRules:
        """These settings as the domain's rules (what they do not set, its defaults)."""
        return ScoringRules(**self.model_dump())

    @model_validator(mode="after")
    def _bands(self) -> ScoringModel:
        if self.yellow > self.green:
            raise ValueError("yellow threshold must not be above green")
        if self.on_track_margin > self.at_risk_margin:
            raise ValueError("on_track_margin must not be above at_risk_margin")
        return self


#: The longest ``google.timeout_seconds``: an hour for one request, far past any Google
#: answers in; a longer wait only holds the night on a dead connection
MAX_TIMEOUT_SECONDS = 3600

#: The longest ``google.max_retry_seconds``: a day, past which a night's retries outlast it
MAX_RETRY_SECONDS = 86_400


class GoogleModel(Strict):
    credentials: str | None = None
    requests_per_minute: int = Field(default=60, ge=1, le=MAX_SETTING)
    max_attempts: int = Field(default=5, ge=1, le=MAX_SETTING)
    # An attempt waits the lesser of these two; both at 1e12 passed config check and every
    # Google team failed at its first request in an internal error, the wait past the
    # platform's time_t (OverflowError), until 2026-12-06.
    max_retry_seconds: float = Field(default=60.0, gt=0, le=MAX_RETRY_SECONDS)
    timeout_seconds: float = Field(default=30.0, gt=0, le=MAX_TIMEOUT_SECONDS)
    concurrency: int = Field(default=4, ge=1, le=MAX_SETTING)


#: The smallest ``max_workbook_mb``: 10 KB, about an empty workbook's uncompressed parts
MIN_WORKBOOK_MB = 0.01


class LimitsModel(Strict):
    max_workbook_mb: float = Field(default=50, gt=0, le=MAX_SETTING)

    @field_validator("max_workbook_mb")
    @classmethod
    def _admits_a_workbook(cls, mb: float) -> float:
        """``1e-300`` passed ``gt=0`` and made a limit of 0 bytes: every team failed as
        too large every night (until 2026-12-06). The value as typed (repr): ``:g`` said
        "got 0.01" of 0.009999999."""
        if mb < MIN_WORKBOOK_MB:
            raise ValueError(
                f"must be at least {MIN_WORKBOOK_MB} (got {mb!r}): a smaller limit refuses "
                "every workbook"
            )
        return mb


class BackupsModel(Strict):
    keep: int = Field(default=5, ge=0, le=MAX_SETTING)


class RunReportsModel(Strict):
    # newest reports kept in .sheets-sync/runs/; None: every one
    keep: int | None = Field(default=90, le=MAX_SETTING)

    @field_validator("keep")
    @classmethod
    def _keeps_tonights(cls, keep: int | None) -> int | None:
        """0 would mean deleting the report just written; "keep all" is spelt null."""
        if keep is not None and keep < 1:
            raise ValueError(
                f"must be at least 1 (got {keep}): the report just written is always "
                "kept; null keeps every report"
            )
        return keep


class NotifyModel(Strict):
    command: str | None = None
    webhook: str | None = None

    @model_validator(mode="after")
    def _webhook_is_a_url(self) -> NotifyModel:
        """Checked here: a webhook no URL parser takes failed the night it was first used."""
        if self.webhook is not None:
            try:
                parts = urlsplit(self.webhook.strip())
                ok = parts.scheme in ("http", "https") and bool(parts.hostname)
            except ValueError:
                ok = False
            if not ok:
                raise ValueError(
                    "webhook must be an http(s) URL, such as https://hooks.example/..."
                )
        return self


class HistoryModel(Strict):
    # nights the rollup's History/Trends show; past 2**63 the history store's queries
    # raised OverflowError after the team sheets were written (until 2026-12-06)
    keep_snapshots: int = Field(default=12, ge=1, le=MAX_SETTING)
    prune_after: int | None = Field(default=None, ge=1, le=MAX_SETTING)  # None: every night

    @model_validator(mode="after")
    def _store_covers_the_tabs(self) -> HistoryModel:
        if self.prune_after is not None and self.prune_after < self.keep_snapshots:
            raise ValueError(
                f"prune_after ({self.prune_after}) is less than keep_snapshots "
                f"({self.keep_snapshots}): the rollup could not show the nights it asks for"
            )
        return self


class WorkspaceModel(Strict):
    company: Annotated[str, AfterValidator(_not_blank)] = Field(min_length=1)
    period: PeriodModel
    company_objectives: list[CompanyObjectiveModel] = Field(default_factory=list)
    teams: list[TeamModel] = Field(default_factory=list)
    teams_glob: str | list[str] | None = None
    default_mapping: str = "standard"
    rollup: RollupModel = RollupModel()
    scoring: ScoringModel = ScoringModel()
    google: GoogleModel = GoogleModel()
    limits: LimitsModel = LimitsModel()
    backups: BackupsModel = BackupsModel()
    run_reports: RunReportsModel = RunReportsModel()
    notify: NotifyModel = NotifyModel()
    history: HistoryModel = HistoryModel()

    @field_validator("teams_glob", mode="before")
    @classmethod
    def _patterns(cls, value: Any) -> Any:
        """Anything else gave one problem per type of the union, each at a location no
        file has: ``teams_glob.str: ...`` and ``teams_glob.list[str][0]: ...``."""
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        raise ValueError(
            "should be a pattern such as 'teams/*.xlsx', or a list of patterns, not "
            f"{as_yaml(value)}"
        )
