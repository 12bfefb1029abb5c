"""Load, fault and backup scripts (issue 7, items 8 and 9), run on PostgreSQL by .ci/run; see README › Security."""
