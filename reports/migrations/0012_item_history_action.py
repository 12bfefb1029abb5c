"""The history rows of figures and task reports record what each change was as a code (ItemAction), read until now
from the first words of the change reason. Existing rows get their code from those words, and keep as their reason
only the words a person gave (a return's or a reopen's reason)."""

from django.db import migrations, models

CHOICES = [
    ("create", "新建草稿"),
    ("save", "保存草稿"),
    ("import", "Excel导入"),
    ("submit", "提交"),
    ("resubmit", "重新提交"),
    ("approve", "审核通过"),
    ("return", "退回"),
    ("reopen", "重新打开"),
]
# The change reasons the portal wrote, by their first words: (words, action, whether a reason follows "：").
WORDS = (
    ("新建草稿（Excel导入）", "import", False),
    ("新建草稿", "create", False),
    ("保存草稿", "save", False),
    ("Excel导入", "import", False),
    ("重新提交", "resubmit", False),
    ("提交", "submit", False),
    ("审核通过", "approve", False),
    ("退回：", "return", True),
    ("重新打开：", "reopen", True),
)


def codes_from_words(apps, schema_editor):
    for name in ("HistoricalSubmission", "HistoricalTaskReport"):
        history = apps.get_model("reports", name)
        for words, action, reason_follows in WORDS:
            rows = history.objects.filter(action="", history_change_reason__startswith=words)
            if reason_follows:
                for row in rows.iterator():
                    row.action, row.history_change_reason = action, row.history_change_reason[len(words) :]
                    row.save(update_fields=["action", "history_change_reason"])
            else:
                rows.update(action=action, history_change_reason="")


def words_from_codes(apps, schema_editor):
    labels = dict(CHOICES)
    for name in ("HistoricalSubmission", "HistoricalTaskReport"):
        history = apps.get_model("reports", name)
        for row in history.objects.exclude(action="").iterator():
            words = labels[row.action]
            row.history_change_reason = f"{words}：{row.history_change_reason}" if row.history_change_reason else words
            row.save(update_fields=["history_change_reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0011_standings_and_tallies"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalsubmission",
            name="action",
            field=models.CharField(blank=True, choices=CHOICES, max_length=10, verbose_name="操作"),
        ),
        migrations.AddField(
            model_name="historicaltaskreport",
            name="action",
            field=models.CharField(blank=True, choices=CHOICES, max_length=10, verbose_name="操作"),
        ),
        migrations.RunPython(codes_from_words, words_from_codes),
    ]
