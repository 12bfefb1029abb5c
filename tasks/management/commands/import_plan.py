"""Read a work plan from its official text (.txt in UTF-8 or GB18030, or .docx): print what was read, or keep it
as a draft (识别稿) for the office to check and confirm in the portal."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from tasks.drafts import plan_draft_create, plan_read
from tasks.selectors import plan_export_shape
from units.models import User


class Command(BaseCommand):
    help = (
        "从方案原文（.txt 或 .docx）识别工作方案。--dry-run 只识别不保存；--json 以 export_plan 的格式输出识别结果。"
        "不加 --dry-run 时保存为识别稿，由领导小组办公室在平台上核对、确认后建立方案。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只识别，不写入数据库")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="以 export_plan 的 JSON 格式输出识别结果"
        )
        parser.add_argument(
            "--completions",
            help="补充信息 JSON（单位表、原文未写明的内容），默认按平台已有的单位识别责任单位",
        )
        parser.add_argument("--user", help="识别稿记在哪个领导小组办公室账号名下（默认：第一个办公室账号）")

    def handle(
        self, *args, file: str, dry_run: bool, as_json: bool, completions: str | None, **options
    ) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}")
        extra = _load_json(Path(completions)) if completions else None
        try:
            if dry_run:
                _text, result = plan_read(name=path.name, content=path.read_bytes(), completions=extra)
                data, warnings = result.plan, [(w.line, w.message, w.text) for w in result.warnings]
            else:
                draft = plan_draft_create(
                    user=_office(options["user"]),
                    name=path.name,
                    content=path.read_bytes(),
                    completions=extra,
                )
                data, warnings = draft.data, [(w["line"], w["message"], w["text"]) for w in draft.warnings]
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        for line, message, text in warnings:
            self.stderr.write(f"第{line}行：{message}｜{text}")
        if as_json:
            self.stdout.write(json.dumps(plan_export_shape(data), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_summary(data, len(warnings)))
            self.stdout.write(
                "（未保存）"
                if dry_run
                else f"已保存为识别稿，请在平台上核对并确认：{reverse('tasks:plan_draft', args=[draft.pk])}"
            )


def _office(username: str | None) -> User:
    offices = User.objects.filter(role=User.Role.OFFICE, is_active=True).order_by("username")
    user = offices.filter(username=username).first() if username else offices.first()
    if user is None:
        raise CommandError(
            f"没有名为 {username} 的领导小组办公室账号" if username else "还没有领导小组办公室账号，请先建立"
        )
    return user


def _load_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"补充信息文件 {path} 无法读取：{error}") from error


def _summary(data: dict, warnings: int) -> str:
    tasks = sum(len(s["tasks"]) for s in data["sections"])
    indicators = sum(len(a["indicators"]) for a in data["areas"])
    new_units = [u["name"] for u in data["units"] if u.get("needs_review")]
    lines = [
        f"《{data['plan']['title']}》（{data['plan']['start']} 至 {data['plan']['end']}）："
        f"{len(data['areas'])}个目标领域，{indicators}项目标指标，{tasks}项任务，{len(data['safeguards'])}项保障措施。",
        f"需核对事项{warnings}条。" if warnings else "没有需核对的事项。",
    ]
    if new_units:
        lines.append(f"新单位（待确认）：{'、'.join(new_units)}")
    return "\n".join(lines)
