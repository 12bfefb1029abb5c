"""Demo data (演示数据) of two ways of reporting besides the usual, in the running plan's last quarter: a county with its
own review (单位审核) whose submitted drafts wait for the county's head, and a task report the office entered and
submitted for its unit (代填)."""

from collections import Counter

from reports.demo.steps import Obligation, obligation_save, obligation_submit
from reports.demo.values import DEMO
from reports.models import Submission, TaskReport
from reports.workflow.services import item_submit
from targets.models import Period
from units.management.commands.create_demo_users import DEMO_PASSWORD
from units.models import Unit, User
from units.services import user_create

PROXY_REASON = f"{DEMO}：该单位填报员休假，按其报送的纸质材料代填"


def demo_review_examples(
    *,
    q: int,
    period: Period,
    obligations: list[Obligation],
    choices: tuple,
    office: User,
    reporters: dict[int, User],
) -> Counter:
    """The running plan's last quarter shows two ways of reporting besides the usual: a county with its own review
    (单位审核), whose reporter has now submitted the drafts it had left, waiting for the county's head; and one
    missing task report the office entered and submitted for its unit (代填), with the reason."""
    _returns, missing, drafts = choices
    counts: Counter = Counter()
    waiting = [o for o in obligations if o.key in drafts and o.unit.kind == Unit.Kind.COUNTY]
    if waiting:
        county = waiting[0].unit
        county.unit_review = True
        county.save(update_fields=["unit_review"])
        if not User.objects.filter(username=f"{county.code}-sh").exists():
            user_create(
                username=f"{county.code}-sh",
                password=DEMO_PASSWORD,
                role=User.Role.UNIT_HEAD,
                unit=county,
                first_name=f"{county.name}单位审核人（演示）",
            )
            counts["users_created"] += 1
        for obligation in (o for o in waiting if o.unit == county):
            model, about = (Submission, "indicator") if obligation.indicator else (TaskReport, "task")
            item = model.objects.get(
                unit=county, period=period, **{about: obligation.indicator or obligation.task}
            )
            obligation_submit(obligation, reporters[county.pk], period, item, obligation.entries[q])
            counts.update(draft=-1, unit_review=1)
    entered = next((o for o in obligations if o.key in missing and o.task), None)
    if entered is not None:
        item = obligation_save(entered, office, period, entered.entries[q], None, proxy_reason=PROXY_REASON)
        item_submit(user=office, item=item, proxy_reason=PROXY_REASON)
        counts.update(missing=-1, submitted=1, proxy=1)
    return counts
