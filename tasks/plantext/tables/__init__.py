"""Tables in a plan's text, above all the appendix 主要指标表 ("主要指标详见附件"): `tables_take` finds them among
the numbered source lines (finding.py) and `table_indicators` reads an indicator table's rows into indicators
(indicators.py). Pure functions on text; what is not read is said, with its line and why."""

from .finding import Table, tables_take
from .indicators import TableRead, table_indicators

__all__ = ["Table", "TableRead", "table_indicators", "tables_take"]
