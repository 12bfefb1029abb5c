"""The reports app's models, one module per subject, all importable as `reports.models.X` (and by migrations)."""

from .alerts import Alert
from .derived import ReportingTally, Rollup, Standing
from .documents import Document
from .instructions import Instruction, InstructionReply
from .items import (
    EDITABLE_STATUSES,
    Evidence,
    ItemAction,
    ItemComment,
    ReopenRequest,
    ReportItem,
    Status,
    Submission,
    TaskReport,
    evidence_path,
)
from .notifications import NotificationChannel, NotificationDelivery, NotificationPreference
from .quality import FollowUp, QualityIssue, ValidationRule

__all__ = [
    "EDITABLE_STATUSES",
    "Alert",
    "Document",
    "Evidence",
    "FollowUp",
    "Instruction",
    "ItemComment",
    "NotificationChannel",
    "NotificationDelivery",
    "NotificationPreference",
    "ItemAction",
    "InstructionReply",
    "QualityIssue",
    "ReopenRequest",
    "ReportItem",
    "ReportingTally",
    "Rollup",
    "Standing",
    "Status",
    "Submission",
    "TaskReport",
    "ValidationRule",
    "evidence_path",
]
