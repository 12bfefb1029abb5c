"""{% instructions_card indicator %} / {% instructions_card task %}: the 批示 thread of a plan page. A tag, so the
plan's own views (targets, tasks) need not import reporting: dependencies keep pointing one way."""

from django import template

from targets.models import Indicator

from ..instructions import instruction_thread

register = template.Library()


@register.inclusion_tag("includes/_instructions.html", takes_context=True)
def instructions_card(context, subject) -> dict:
    kind = "indicator" if isinstance(subject, Indicator) else "task"
    return instruction_thread(user=context["request"].user, **{kind: subject})
