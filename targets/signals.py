"""Signals the plan app sends, for apps built on it (targets must not import them)."""

from django.dispatch import Signal

# Sent by 管理后台 after the office saved a plan, a quarter, a goal area (with its indicators) or an indicator:
# `plan` is the plan it belongs to, `due_dates_changed` whether a due date was edited. reports refreshes what it
# keeps from the plan (the stored standings, the reporting tallies) on receipt.
plan_edited = Signal()
