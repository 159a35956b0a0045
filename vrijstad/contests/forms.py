"""Contest forms: the call, an entry, shortlist, jury, scores, the public vote, the winner and
the evaluation (shape checks; the rules live in the services)."""

import re
from datetime import timedelta
from decimal import Decimal

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from vrijstad import clock
from vrijstad.contests.models import SCORE_MAX, SCORE_MIN, Outcome, PrizeKind
from vrijstad.contests.services import MAX_ANSWER_CHARS, ContestData, EntryData
from vrijstad.forms import FlaskForm
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.starters.forms import branch_choices
from vrijstad.starters.models import BranchGroup
from vrijstad.units.forms import EuroField, MultiCheckboxField

STEP_RE = re.compile(r"^\s*(\d{1,3})\s*(?:-\s*(\d{1,3}))?\s*:\s*(\d{1,3}(?:[.,]\d{1,2})?)\s*%?\s*$")
CRITERION_RE = re.compile(r"^(.+?)\s*[:=]\s*(\d{1,3})\s*$")


def default_criteria() -> str:
    """The criteria most juries use (DOMAIN.md), as the form's starting point."""
    return "\n".join(
        f"{name}: {weight}"
        for name, weight in (
            (_l("Creativity"), 20),
            (_l("Entrepreneurship"), 20),
            (_l("Financial feasibility"), 25),
            (_l("Multi-year vision"), 15),
            (_l("Added value for the centre"), 20),
        )
    )


def parse_schedule(text: str) -> list[dict]:
    """'1-6: 100, 7-8: 75' → discount steps; ValueError when a step is not understood."""
    steps = []
    for part in re.split(r"[,;\n]+", text or ""):
        if not part.strip():
            continue
        match = STEP_RE.match(part)
        if match is None:
            raise ValueError(part)
        start, end, pct = match.groups()
        basis_points = int(Decimal(pct.replace(",", ".")) * 100)
        steps.append({"from": int(start), "to": int(end or start), "pct_bp": basis_points})
    return steps


def format_schedule(schedule: list) -> str:
    parts = []
    for step in schedule or ():
        months = f"{step['from']}" if step["from"] == step["to"] else f"{step['from']}-{step['to']}"
        whole, rest = divmod(int(step["pct_bp"]), 100)
        parts.append(f"{months}: {whole}" + (f",{rest:02d}" if rest else ""))
    return ", ".join(parts)


def parse_criteria(text: str) -> list[tuple[str, int]]:
    """'Creativity: 20' per line → (name, weight); ValueError when a line is not understood."""
    criteria = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        match = CRITERION_RE.match(line.strip())
        if match is None:
            raise ValueError(line)
        criteria.append((match.group(1).strip(), int(match.group(2))))
    return criteria


def _schedule_shape(form, field) -> None:
    if form.prize_kind.data == PrizeKind.SLIDING.value:
        try:
            parse_schedule(field.data)
        except ValueError as exc:
            raise ValidationError(
                _l("Write the discount as months: percentage, e.g. 1-6: 100, 7-8: 75, 9-10: 50.")
            ) from exc


def _criteria_shape(form, field) -> None:
    try:
        parse_criteria(field.data)
    except ValueError as exc:
        raise ValidationError(
            _l("Write one criterion per line as name: weight, e.g. Creativity: 20.")
        ) from exc


def prize_choices():
    return [
        SelectChoice(PrizeKind.RENT_FREE.value, _l("Months without rent")),
        SelectChoice(PrizeKind.SLIDING.value, _l("A sliding rent discount")),
    ]


class ContestForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=160)])
    description = TextAreaField(
        _l("The call"),
        validators=[DataRequired(), Length(min=20, max=10000)],
        description=_l("What the contest is about, for whom, and what you hope for."),
    )
    units = MultiCheckboxField(_l("Units to win"), coerce=int)
    prize_kind = RadioField(_l("Prize"), choices=prize_choices(), default=PrizeKind.RENT_FREE.value)
    rent_free_months = IntegerField(
        _l("Months without rent"), default=6, validators=[Optional(), NumberRange(1, 24)]
    )
    discount_schedule = StringField(
        _l("Discount per month (percent)"),
        validators=[Optional(), Length(max=300), _schedule_shape],
        description=_l("For a sliding discount, e.g. 1-6: 100, 7-8: 75, 9-10: 50, 11-12: 25."),
    )
    prize_budget = EuroField(_l("Cash budget"), validators=[Optional()])
    prize_coaching = TextAreaField(
        _l("Coaching and other support"), validators=[Optional(), Length(max=4000)]
    )
    starts_on = DateField(_l("The winner starts on"), validators=[InputRequired()])
    lease_months = IntegerField(
        _l("Length of the winner's placement (months)"),
        default=12,
        validators=[InputRequired(), NumberRange(1, 60)],
        description=_l("The base fee is the unit's own rent; the prize discount applies to it."),
    )
    lease_terms = TextAreaField(
        _l("Lease terms published with the call"),
        validators=[Optional(), Length(max=4000)],
        description=_l("Deposit, service charges, what happens after the prize period."),
    )
    excluded_branches = MultiCheckboxField(_l("Branch groups not wanted"), choices=[])
    exclusions_note = TextAreaField(
        _l("Other exclusions"),
        validators=[Optional(), Length(max=4000)],
        description=_l("E.g. no snack bars, no existing chains."),
    )
    min_entries = IntegerField(
        _l("Minimum number of entries"),
        default=5,
        validators=[InputRequired(), NumberRange(1, 500)],
        description=_l("With fewer entries the contest is cancelled; the call says so."),
    )
    max_finalists = IntegerField(
        _l("Finalists at most"), default=5, validators=[InputRequired(), NumberRange(1, 20)]
    )
    extra_winner_rule = TextAreaField(
        _l("Rule for ties and extra winners"),
        validators=[Optional(), Length(max=4000)],
        description=_l("State in advance what happens when the jury wants another winner."),
    )
    entries_open_on = DateField(_l("Entries open"), validators=[InputRequired()])
    entries_close_on = DateField(_l("Entry deadline"), validators=[InputRequired()])
    shortlist_on = DateField(_l("Finalists announced"), validators=[InputRequired()])
    vote_open_on = DateField(_l("Public vote opens"), validators=[Optional()])
    vote_close_on = DateField(_l("Public vote closes"), validators=[Optional()])
    vote_share = IntegerField(
        _l("Share of the public vote in the result (percent)"),
        default=0,
        validators=[Optional(), NumberRange(0, 50)],
    )
    pitch_on = DateField(_l("Pitch to the jury"), validators=[InputRequired()])
    winner_on = DateField(_l("Winner announced"), validators=[InputRequired()])
    criteria = TextAreaField(
        _l("Jury criteria and weights"),
        validators=[DataRequired(), Length(max=3000), _criteria_shape],
        description=_l("One per line as name: weight. Jurors score each from 1 to 10."),
    )

    def fill(self, units, *, new: bool = False) -> None:
        self.units.choices = [SelectChoice(u.id, f"{u.address}, {u.city}") for u in units]
        self.excluded_branches.choices = branch_choices()
        if new and not self.is_submitted():
            today = clock.today()
            self.entries_open_on.data = today
            self.entries_close_on.data = today + timedelta(days=42)
            self.shortlist_on.data = today + timedelta(days=49)
            self.pitch_on.data = today + timedelta(days=63)
            self.winner_on.data = today + timedelta(days=70)
            self.starts_on.data = today + timedelta(days=91)
            self.criteria.data = default_criteria()

    def load(self, contest) -> None:
        """Show a draft's current terms."""
        for name in (
            "title",
            "description",
            "prize_coaching",
            "starts_on",
            "lease_months",
            "lease_terms",
            "exclusions_note",
            "min_entries",
            "max_finalists",
            "extra_winner_rule",
            "entries_open_on",
            "entries_close_on",
            "shortlist_on",
            "vote_open_on",
            "vote_close_on",
            "pitch_on",
            "winner_on",
        ):
            getattr(self, name).data = getattr(contest, name)
        self.units.data = [u.id for u in contest.units]
        self.prize_kind.data = contest.prize_kind.value
        self.rent_free_months.data = contest.prize_months
        self.discount_schedule.data = format_schedule(contest.discount_schedule)
        self.prize_budget.data = contest.prize_budget_cents
        self.excluded_branches.data = list(contest.excluded_branches)
        self.vote_share.data = contest.vote_share_bp // 100
        self.criteria.data = "\n".join(f"{c.name}: {c.weight}" for c in contest.criteria)

    def contest_data(self) -> ContestData:
        kind = PrizeKind(self.prize_kind.data)
        return ContestData(
            title=self.title.data,
            description=self.description.data,
            unit_ids=list(self.units.data or []),
            prize_kind=kind,
            rent_free_months=self.rent_free_months.data,
            discount_schedule=parse_schedule(self.discount_schedule.data)
            if kind == PrizeKind.SLIDING
            else [],
            prize_budget_cents=self.prize_budget.data or 0,
            prize_coaching=self.prize_coaching.data,
            starts_on=self.starts_on.data,
            lease_months=self.lease_months.data,
            lease_terms=self.lease_terms.data,
            excluded_branches=list(self.excluded_branches.data or []),
            exclusions_note=self.exclusions_note.data,
            min_entries=self.min_entries.data,
            max_finalists=self.max_finalists.data,
            extra_winner_rule=self.extra_winner_rule.data,
            entries_open_on=self.entries_open_on.data,
            entries_close_on=self.entries_close_on.data,
            shortlist_on=self.shortlist_on.data,
            vote_open_on=self.vote_open_on.data,
            vote_close_on=self.vote_close_on.data,
            vote_share_bp=(self.vote_share.data or 0) * 100,
            pitch_on=self.pitch_on.data,
            winner_on=self.winner_on.data,
            criteria=parse_criteria(self.criteria.data),
        )


def _answer(label, description):
    return TextAreaField(
        label, validators=[Optional(), Length(max=MAX_ANSWER_CHARS)], description=description
    )


class EntryForm(FlaskForm):
    trade_name = StringField(
        _l("Trade name"), validators=[DataRequired(), Length(max=120)], description=None
    )
    branch_group = SelectField(_l("Branch group"), choices=[], validators=[DataRequired()])
    preferred_unit = SelectField(_l("Preferred unit"), coerce=int, choices=[], default=0)
    idea = _answer(_l("Your idea, and why"), _l("What you want to start and what drives you."))
    uniqueness = _answer(_l("What makes it unique"), _l("Why this is not yet in the centre."))
    target_group = _answer(_l("Target group"), _l("Who your customers are."))
    revenue_model = _answer(_l("Revenue model"), _l("How you earn money, and roughly how much."))
    success = _answer(_l("What success looks like"), _l("Where you want to be in three years."))
    help_needed = _answer(_l("Help needed"), _l("Coaching, contacts, anything else."))
    plan = FileField(
        _l("Or upload your plan (PDF, at most 2 pages)"),
        description=_l("With a PDF the questions above are optional."),
    )

    def fill(self, contest) -> None:
        self.branch_group.choices = [
            c for c in branch_choices(_l("Choose…")) if c.value not in contest.excluded_branches
        ]
        self.preferred_unit.choices = [SelectChoice(0, _l("No preference"))] + [
            SelectChoice(u.id, f"{u.address}, {u.city}") for u in contest.units
        ]

    def load(self, entry=None, profile=None) -> None:
        if entry is not None:
            for name in (
                "trade_name",
                "idea",
                "uniqueness",
                "target_group",
                "revenue_model",
                "success",
                "help_needed",
            ):
                getattr(self, name).data = getattr(entry, name)
            self.branch_group.data = entry.branch_group.value
            self.preferred_unit.data = entry.preferred_unit_id or 0
        elif profile is not None:
            self.trade_name.data = profile.trade_name
            self.branch_group.data = profile.branch_group.value if profile.branch_group else ""
            self.idea.data = profile.concept

    def entry_data(self) -> EntryData:
        return EntryData(
            trade_name=self.trade_name.data,
            branch_group=BranchGroup(self.branch_group.data),
            preferred_unit_id=self.preferred_unit.data or None,
            idea=self.idea.data,
            uniqueness=self.uniqueness.data,
            target_group=self.target_group.data,
            revenue_model=self.revenue_model.data,
            success=self.success.data,
            help_needed=self.help_needed.data,
        )


class ShortlistForm(FlaskForm):
    finalists = MultiCheckboxField(_l("Finalists"), coerce=int)


class JurorForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Email(message=_l("Enter a valid e-mail address."))],
    )


class ScoreForm(FlaskForm):
    """One score per criterion, in the criteria's order (the form's prefix names the finalist)."""

    scores = FieldList(
        IntegerField(validators=[InputRequired(), NumberRange(SCORE_MIN, SCORE_MAX)]),
        min_entries=0,
    )

    def fill(self, criteria) -> None:
        while len(self.scores.entries) < len(criteria):
            self.scores.append_entry()
        for entry, criterion in zip(self.scores.entries, criteria, strict=False):
            entry.label.text = f"{criterion.name} ({SCORE_MIN}–{SCORE_MAX})"

    def score_map(self, criteria) -> dict[int, int | None]:
        values = [entry.data for entry in self.scores.entries]
        return {c.id: v for c, v in zip(criteria, values, strict=False)}


class ConflictForm(FlaskForm):
    note = StringField(
        _l("How do you know this entrant?"), validators=[DataRequired(), Length(min=3, max=500)]
    )


class VoteForm(FlaskForm):
    entry = RadioField(_l("Your favourite"), coerce=int, choices=[], validators=[InputRequired()])
    email = EmailField(
        _l("Your e-mail address"),
        validators=[
            DataRequired(),
            Email(message=_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
        description=_l("We send a link to confirm your vote; one vote per address."),
    )


class AnnounceForm(FlaskForm):
    """A winner per unit, in the units' order (0: no winner for that unit)."""

    winners = FieldList(SelectField(coerce=int, choices=[]), min_entries=0)

    def fill(self, units, finalists, ranking) -> None:
        choices = [SelectChoice(0, _l("No winner"))] + [
            SelectChoice(e.id, e.trade_name) for e in finalists
        ]
        order = [r.entry_id for r in ranking]
        while len(self.winners.entries) < len(units):
            self.winners.append_entry()
        for i, (entry, unit) in enumerate(zip(self.winners.entries, units, strict=False)):
            entry.choices = choices
            entry.label.text = f"{unit.address}, {unit.city}"
            if not self.is_submitted():
                entry.data = order[i] if i < len(order) else 0

    def choice_map(self, units) -> dict[int, int | None]:
        values = [entry.data for entry in self.winners.entries]
        return {u.id: (v or None) for u, v in zip(units, values, strict=False)}


class EvaluationForm(FlaskForm):
    outcome = RadioField(
        _l("How did it work out?"),
        choices=[
            SelectChoice(Outcome.CONTINUED.value, _l("The winner continues on the regular terms")),
            SelectChoice(Outcome.STOPPED.value, _l("The winner stopped; the owner takes it back")),
            SelectChoice(Outcome.OFFERED_AGAIN.value, _l("The winner stopped; offer it again")),
        ],
        validators=[InputRequired()],
    )
    note = TextAreaField(_l("What did we learn?"), validators=[Optional(), Length(max=4000)])


class CancelForm(FlaskForm):
    reason = StringField(
        _l("Reason (entrants read it)"), validators=[DataRequired(), Length(min=3, max=500)]
    )


class ErratumForm(FlaskForm):
    text = TextAreaField(
        _l("Correction (shown dated under the call; every entrant is told)"),
        validators=[DataRequired(), Length(min=3, max=2000)],
    )


class DeadlineForm(FlaskForm):
    deadline = SelectField(
        _l("Deadline"),
        choices=[
            SelectChoice("entries_close_on", _l("Entry deadline")),
            SelectChoice("vote_close_on", _l("Close of the public vote")),
        ],
    )
    new_date = DateField(_l("New date"), validators=[InputRequired()])


class CloseJudgingForm(FlaskForm):
    confirm = BooleanField(_l("Close judging anyway"))
