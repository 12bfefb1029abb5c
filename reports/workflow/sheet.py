"""Posting a unit's quarterly sheet: every row a person changed is saved, the rows they chose are submitted, and
the answers to instructions they typed are stored (sent with the item they belong to, drafts until then). One call
for the whole sheet, one transaction: a row that is refused (a bad value, a colleague's newer version) is left out
and reported, and the others are kept."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reports.instructions.services import instruction_draft_discard, instruction_reply
from reports.models import Instruction
from reports.workflow.drafts import item_save, proxy_reason_checked
from reports.workflow.locks import sheet_items_lock
from reports.workflow.selectors import SheetRow
from reports.workflow.services import item_submit
from targets.models import Period
from units.models import Unit, User


@dataclass
class SheetEntry:
    """One row as posted: its cleaned form data (None when the form refused it), whether the person changed its
    content, whether it could be edited when the page was drawn, whether they asked to submit it."""

    row: SheetRow
    data: dict | None
    changed: bool
    editable: bool
    submit: bool


@dataclass
class ReplyEntry:
    """An answer to an instruction as typed on the sheet (None when its form refused it)."""

    instruction: Instruction
    text: str | None


@dataclass
class SheetResult:
    saved: int = 0
    submitted: int = 0
    answered: int = 0  # answers sent
    drafted: int = 0  # answers kept as drafts until their item is submitted
    failed: int = 0
    refusal: ValidationError | None = (
        None  # what refused the whole post (a 代填 without its reason): nothing stored
    )
    errors: dict[int, ValidationError] = field(default_factory=dict)  # by position among the rows
    reply_errors: dict[int, ValidationError] = field(default_factory=dict)  # by position among the replies

    @property
    def summary(self) -> str:
        """What was done, as the page says it after a partly refused post: 保存3项，提交2项，答复批示1条."""
        return _("，").join(
            self._parts(
                _("保存%(n)d项"), _("提交%(n)d项"), _("答复批示%(n)d条"), _("保存批示答复草稿%(n)d条")
            )
        )

    @property
    def done(self) -> str:
        """What was done, as the page says it when nothing was refused: 已保存3项，已提交2项。"""
        parts = self._parts(
            _("已保存%(n)d项"), _("已提交%(n)d项"), _("已答复批示%(n)d条"), _("已保存批示答复草稿%(n)d条")
        )
        drafts = _("（答复随对应事项提交时一并报送）") if self.drafted else ""
        return _("，").join(parts) + _("。") + drafts

    def _parts(self, saved: str, submitted: str, answered: str, drafted: str) -> list[str]:
        counts = (
            (saved, self.saved),
            (submitted, self.submitted),
            (answered, self.answered),
            (drafted, self.drafted),
        )
        return [text % {"n": n} for position, (text, n) in enumerate(counts) if n or position == 0]


@transaction.atomic
def sheet_save(
    *,
    user: User,
    unit: Unit,
    period: Period,
    entries: list[SheetEntry],
    replies: list[ReplyEntry],
    proxy_reason: str = "",
) -> SheetResult:
    """Store what was posted on the sheet. Each row and answer is saved (or refused) on its own; refusals are
    returned by position and counted in `failed`. What is submitted must be what this person saw: a row left
    unchanged is submitted only if nobody changed it since the page was drawn. The office posting a unit's sheet
    (代填) gives its reason once for the whole post; without it nothing is stored (`refusal`). Raises
    PermissionDenied when the user may not report for the unit."""
    # Colleagues posting one sheet queue here, each seeing what the other stored (reports.workflow.locks).
    sheet_items_lock(unit_id=unit.pk, period_id=period.pk)
    result = SheetResult()
    if any(e.changed or e.submit for e in entries):
        try:
            proxy_reason_checked(user=user, unit=unit, reason=proxy_reason)
        except ValidationError as error:
            result.refusal, result.failed = error, 1
            return result
    for position, entry in enumerate(entries):
        if not entry.editable and not entry.changed:
            continue  # locked when the page was drawn, or left alone since a colleague submitted it
        if entry.data is None:
            result.failed += 1
            continue
        item, submit = entry.row.item, entry.submit and entry.editable
        try:  # each save and each submission is a transaction of its own: a refused one undoes only itself
            if entry.changed:
                item = item_save(
                    user=user,
                    unit=unit,
                    period=period,
                    subject=entry.row.indicator or entry.row.task,
                    data=entry.data,
                    expected_version=entry.data.get("version"),
                    proxy_reason=proxy_reason,
                )
                result.saved += 1
            if submit and item is None:
                raise ValidationError(_("此项尚未填写，不能提交"))
            if submit:
                based_on = None if entry.changed else entry.data.get("version")
                result.submitted += item_submit(
                    user=user, item=item, expected_version=based_on, proxy_reason=proxy_reason
                )
        except ValidationError as error:
            result.errors[position] = error
            result.failed += 1
    # After the rows: an answer whose item was just submitted goes with it; the others stay drafts until then.
    for position, reply in enumerate(replies):
        if reply.text is None:
            result.failed += 1
        elif reply.text.strip():
            try:
                answer = instruction_reply(
                    user=user, instruction=reply.instruction, unit=unit, period=period, text=reply.text
                )
            except ValidationError as error:
                result.reply_errors[position] = error
                result.failed += 1
            else:
                if answer.is_draft:
                    result.drafted += 1
                else:
                    result.answered += 1
        else:
            instruction_draft_discard(user=user, instruction=reply.instruction, unit=unit)
    return result
