"""The demo's second plan (演示数据): what Deyang's next plan after the pilot might be, so the demo shows a city
running plan after plan. Its text is the pilot plan's, rewritten for 2025-07 to 2027-12 with higher goals and 1.3
doubled from the end of 2024 (a baseline date inside the pilot plan); it is read like any uploaded text, follows the
pilot plan (its baselines carried from the pilot plan's approved figures), opens on 2025-07-01, and has the quarters
due by the demo's day reported. The pilot plan is ended on 2025-07-31, its history kept."""

import datetime
import json

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from reports.alerts.services import alerts_close_inactive_plans
from reports.demo.services import OFFICE_USERNAME, demo_data_generate
from reports.demo.steps import on_day
from reports.demo.values import DEMO
from reports.figures.rollup import rollup_rebuild_plan
from reports.figures.succession import plan_succeed
from targets.models import WorkPlan
from tasks.drafts import plan_read
from tasks.lifecycle import plan_end, plan_open
from tasks.services import plan_apply_completions, plan_import
from units.models import User

TITLE = f"德阳市推进国家知识产权强市建设示范城市工作方案（2025—2027年）（{DEMO}）"
OPENED, PILOT_ENDED = datetime.date(2025, 7, 1), datetime.date(2025, 7, 31)
FIXTURES = settings.BASE_DIR / "fixtures"
# The pilot plan's wording → the next plan's. Goals about 40 % above the pilot's, so that the units' figures, which
# ended the pilot a little above its goals, start the new plan about three quarters of the way to its goals.
REWRITES = [
    ("德阳市推进国家知识产权强市建设试点城市工作方案", TITLE),
    ("工作期为2022年7月-2025年6月", "工作期为2025年7月-2027年12月"),
    ("到2025年6月", "到2027年12月"),
    ("到2025年，", "到2027年，"),
    ("比2021年初翻一番", "比2024年底翻一番"),
    ("高新技术企业达到402户", "高新技术企业达到560户"),
    ("科技中小型企业达到1000户", "科技中小型企业达到1400户"),
    ("有效注册商标数量达48000件", "有效注册商标数量达67000件"),
    ("版权登记数量达4800件", "版权登记数量达6700件"),
    ("地理标志商标和地理标志保护产品达16件", "地理标志商标和地理标志保护产品达22件"),
    ("建成省级高价值专利育成中心5个", "建成省级高价值专利育成中心7个"),
    ("培育市级高价值专利育成中心8个", "培育市级高价值专利育成中心11个"),
    ("全链条知识产权服务机构达20户", "全链条知识产权服务机构达28户"),
    ("知识产权师15人、专利代理师100人", "知识产权师21人、专利代理师140人"),
]


def next_plan_text() -> str:
    text = (FIXTURES / "deyang_plan.txt").read_text(encoding="utf-8")
    for old, new in REWRITES:
        if old not in text:
            raise ValueError(f"演示方案改写失败：原文中没有“{old}”")
        text = text.replace(old, new)
    return text


@transaction.atomic
def demo_next_plan(*, pilot: WorkPlan, today: datetime.date, seed: int = 2026) -> WorkPlan | None:
    """Write the demo's second plan after `pilot` (see the module's text) and report its quarters due by `today`.
    Returns None when it is already there. Raises PermissionDenied outside DEMO_MODE."""
    if not settings.DEMO_MODE:
        raise PermissionDenied("演示数据只能在演示模式（DEMO_MODE）下生成")
    if WorkPlan.objects.filter(title=TITLE).exists():
        return None
    office = User.objects.get(username=OFFICE_USERNAME)
    completions = json.loads((FIXTURES / "deyang_completions.json").read_text(encoding="utf-8"))
    text, result = plan_read(
        name="示范城市工作方案.txt", content=next_plan_text().encode(), completions=completions
    )
    if result.warnings:
        raise ValidationError([w.message for w in result.warnings])
    with on_day(OPENED):
        plan = plan_import(data=result.plan, source_text=text, status=WorkPlan.Status.DRAFT)
        plan_apply_completions(plan=plan, data=completions)
        plan_succeed(user=office, plan=plan, predecessor=pilot)
        plan_open(user=office, plan=plan, acknowledged=True)
    with on_day(PILOT_ENDED):
        plan_end(user=office, plan=pilot, reason=f"{DEMO}：试点工作期已满，最后一个季度的数据已审核")
        alerts_close_inactive_plans()  # as the next alerts job does
    demo_data_generate(plan=plan, seed=seed, until=today)
    rollup_rebuild_plan(plan=plan)
    plan.refresh_from_db()  # opened by plan_open on its own copy
    return plan
