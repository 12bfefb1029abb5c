"""Reading a work plan from its official text: `plan_parse(text, completions=…)` gives the structure of
`export_plan` and the warnings the office should look at. Pure functions, no database."""

from .structure import ParseResult, ParseWarning, plan_parse

__all__ = ["ParseResult", "ParseWarning", "plan_parse"]
