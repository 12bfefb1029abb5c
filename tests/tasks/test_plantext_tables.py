"""Tables in a plan's text: `tables_take` finds them among the numbered lines (tab-, space- and |-separated, with
their caption and group rows) and `table_indicators` reads an indicator table's rows into indicators, saying which
rows it could not read and which tables are not indicator tables.

The cities and figures below are test data (测试数据) invented for these tests, written the ways real 主要指标表 are."""

import io

import docx
import pytest

from tasks.documents import plan_text_read
from tasks.plantext import plan_parse
from tasks.plantext.tables import Table, TableRead, table_indicators, tables_take


def numbered(text: str) -> list[tuple[int, str]]:
    return list(enumerate(text.split("\n"), 1))


def only_table(text: str) -> Table:
    _rest, tables = tables_take(numbered(text))
    assert len(tables) == 1
    return tables[0]


def indicator(**fields) -> dict:
    """An indicator as a table row gives it: the measures form plus base value, nature, responsible, area, line."""
    return {
        "name": "",
        "uom": "",
        "kind": "level",
        "direction": "increase",
        "comparison": ">=",
        "target": None,
        "factor": None,
        "baseline_date": None,
        "ref": None,
        "aggregation": "sum",
        "source_text": "",
        "target_date": "2025-12-31",
        "baseline_value": None,
        "nature": "预期性",
        "responsible": [],
        "area": "",
        "line": 0,
        **fields,
    }


# 测试数据: 江州市, tab-separated as pasted from Excel, with group rows and years in the header.
JIANGZHOU = "\n".join(
    [
        "江州市知识产权强市建设工作方案",
        "到2025年，知识产权综合实力显著增强，主要指标详见附件。",
        "附件1",
        "江州市知识产权强市建设主要指标表",
        "序号\t指标名称\t单位\t基期值（2021年）\t目标值（2025年）\t属性\t责任单位",
        "一、知识产权创造",
        "1\t每万人口高价值发明专利拥有量\t件\t3.2\t≥6\t预期性\t市市场监管局、市科技局",
        "2\t新增高新技术企业\t户\t—\t100以上\t预期性\t市科技局",
        "二、知识产权运用",
        "3\t知识产权质押融资额\t亿元\t5\t翻一番\t预期性\t市金融工作局，市市场监管局",
        "4\t累计技术合同成交额\t亿元\t12\t50\t预期性\t市科技局",
        "5\t专利侵权纠纷结案周期\t个工作日\t60\t≤45\t约束性\t市市场监管局（市知识产权局）",
        "注：基期值为2021年底数据。",
    ]
)


def test_a_tab_separated_table_is_taken_with_its_caption_and_group_rows_and_the_rest_left_as_it_was():
    rest, tables = tables_take(numbered(JIANGZHOU))
    assert rest == [
        (1, "江州市知识产权强市建设工作方案"),
        (2, "到2025年，知识产权综合实力显著增强，主要指标详见附件。"),
        (13, "注：基期值为2021年底数据。"),
    ]
    # fmt: off
    assert tables == [
        Table(
            title="附件1 江州市知识产权强市建设主要指标表",
            line=3,
            header=["序号", "指标名称", "单位", "基期值（2021年）", "目标值（2025年）", "属性", "责任单位"],
            header_line=5,
            rows=[
                (6, ["一、知识产权创造"]),
                (7, ["1", "每万人口高价值发明专利拥有量", "件", "3.2", "≥6", "预期性", "市市场监管局、市科技局"]),
                (8, ["2", "新增高新技术企业", "户", "—", "100以上", "预期性", "市科技局"]),
                (9, ["二、知识产权运用"]),
                (10, ["3", "知识产权质押融资额", "亿元", "5", "翻一番", "预期性", "市金融工作局，市市场监管局"]),
                (11, ["4", "累计技术合同成交额", "亿元", "12", "50", "预期性", "市科技局"]),
                (12, ["5", "专利侵权纠纷结案周期", "个工作日", "60", "≤45", "约束性", "市市场监管局（市知识产权局）"]),
            ],
            lines=[3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
        )
    ]
    # fmt: on


def test_a_tab_separated_table_gives_one_indicator_per_row_under_its_group():
    read = table_indicators(only_table(JIANGZHOU), default_deadline="2025-12-31", plan_start="2022-01-01")
    assert read == TableRead(
        indicators=[
            indicator(
                name="每万人口高价值发明专利拥有量",
                uom="件",
                target=6,
                baseline_date="2021-12-31",
                source_text="1 | 每万人口高价值发明专利拥有量 | 件 | 3.2 | ≥6 | 预期性 | 市市场监管局、市科技局",
                baseline_value=3.2,
                responsible=["市市场监管局", "市科技局"],
                area="知识产权创造",
                line=7,
            ),
            indicator(
                name="新增高新技术企业",
                uom="户",
                kind="increment",
                target=100,
                source_text="2 | 新增高新技术企业 | 户 | — | 100以上 | 预期性 | 市科技局",
                responsible=["市科技局"],
                area="知识产权创造",
                line=8,
            ),
            indicator(
                name="知识产权质押融资额",
                uom="亿元",
                kind="relative",
                factor=2,
                baseline_date="2021-12-31",
                aggregation="lead",
                source_text="3 | 知识产权质押融资额 | 亿元 | 5 | 翻一番 | 预期性 | 市金融工作局，市市场监管局",
                baseline_value=5,
                responsible=["市金融工作局", "市市场监管局"],
                area="知识产权运用",
                line=10,
            ),
            indicator(
                name="累计技术合同成交额",
                uom="亿元",
                kind="cumulative",
                target=50,
                baseline_date="2021-12-31",
                source_text="4 | 累计技术合同成交额 | 亿元 | 12 | 50 | 预期性 | 市科技局",
                baseline_value=12,
                responsible=["市科技局"],
                area="知识产权运用",
                line=11,
            ),
            indicator(
                name="专利侵权纠纷结案周期",
                uom="个工作日",
                direction="decrease",
                comparison="<=",
                target=45,
                baseline_date="2021-12-31",
                source_text="5 | 专利侵权纠纷结案周期 | 个工作日 | 60 | ≤45 | 约束性 | 市市场监管局（市知识产权局）",
                baseline_value=60,
                nature="约束性",
                responsible=["市市场监管局（市知识产权局）"],
                area="知识产权运用",
                line=12,
            ),
        ],
    )


# 测试数据: 青川市, aligned with full-width spaces, years "2021年（基期）/2025年（目标）", a 表1 caption.
QINGCHUAN = "\n".join(
    [
        "表1　青川市专利质量提升主要指标",
        "序号　指标　　　　　　　　　　　　单位　　2021年（基期）　2025年（目标）　指标属性",
        "1　　PCT国际专利申请量　　　　　　件　　　12　　　　　　年均增长10%　　　预期性",
        "2　　专利密集型产业增加值占GDP比重　%　　　10.5　　　　　　13　　　　　　　预期性",
        "3　　知识产权纠纷调解成功率　　　　%　　　85　　　　　　　≥90　　　　　　约束性",
        "4　　商标注册审查平均周期　　　　　月　　　8　　　　　　　5　　　　　　　约束性",
    ]
)


def test_a_table_aligned_with_full_width_spaces_reads_its_year_columns_as_base_and_target():
    table = only_table(QINGCHUAN)
    assert (table.title, table.line, table.header_line) == ("表1 青川市专利质量提升主要指标", 1, 2)
    assert table.header == ["序号", "指标", "单位", "2021年（基期）", "2025年（目标）", "指标属性"]
    read = table_indicators(table, default_deadline="2025-06-30")
    # 2025 is the year the plan ends in: its targets are due at the plan's end, not at the year's.
    common = {"baseline_date": "2021-12-31", "target_date": "2025-06-30"}
    assert read.indicators == [
        indicator(
            name="PCT国际专利申请量",
            uom="件",
            kind="relative",
            factor=1.4641,  # 10% a year over 2021→2025: 1.1⁴
            aggregation="lead",
            source_text="1 | PCT国际专利申请量 | 件 | 12 | 年均增长10% | 预期性",
            baseline_value=12,
            annual_rate=10,  # kept as written, as a sentence's 年均增长10% is
            line=3,
            **common,
        ),
        indicator(
            name="专利密集型产业增加值占GDP比重",
            uom="%",
            kind="rate",
            target=13,
            aggregation="ratio",
            source_text="2 | 专利密集型产业增加值占GDP比重 | % | 10.5 | 13 | 预期性",
            baseline_value=10.5,
            line=4,
            **common,
        ),
        indicator(
            name="知识产权纠纷调解成功率",
            uom="%",
            kind="rate",
            target=90,
            aggregation="ratio",
            source_text="3 | 知识产权纠纷调解成功率 | % | 85 | ≥90 | 约束性",
            baseline_value=85,
            nature="约束性",
            line=5,
            **common,
        ),
        indicator(
            # No ≤ written, but the target is below the base value: the figure is to come down.
            name="商标注册审查平均周期",
            uom="月",
            direction="decrease",
            comparison="<=",
            target=5,
            source_text="4 | 商标注册审查平均周期 | 月 | 8 | 5 | 约束性",
            baseline_value=8,
            nature="约束性",
            line=6,
            **common,
        ),
    ]
    assert read.unread == []
    # The yearly rate is read as compounding, and flagged for the office to confirm, as in a sentence.
    assert read.flags == [
        (
            3,
            "1 | PCT国际专利申请量 | 件 | 12 | 年均增长10% | 预期性",
            "“年均增长10%”按逐年复合折算为基期（2021年底）的1.4641倍（4年），请确认",
        )
    ]


# 测试数据: 云岭市, markdown pipes, a 类别 column written once for the rows under it, no year in the header.
YUNLING = "\n".join(
    [
        "| 类别 | 指标名称 | 单位 | 基期值 | 目标值 | 牵头单位 |",
        "| :--- | --- | --- | --- | --- | --- |",
        "| 知识产权创造 | 发明专利授权量 | 件 | 8000 | 1.2万 | 市市场监管局 |",
        "|  | 国家级知识产权优势企业 | 家 | 0 | 实现零的突破 | 市市场监管局、市经信局 |",
        "| 知识产权保护 | 知识产权保护社会满意度（%） |  | 80 | 85 | 市市场监管局 |",
        "|  | 累计培育知识产权服务机构 | 家 | 20 | 35 | 市市场监管局 |",
    ]
)


def test_a_markdown_table_with_a_category_column_gives_each_row_its_category():
    table = only_table(YUNLING)
    assert [line for line, _cells in table.rows] == [3, 4, 5, 6]  # the |---| rule is no row
    read = table_indicators(table, default_deadline="2025-12-31", plan_start="2023-03-01")
    # A base column without a year: the end of the year before the plan starts.
    base = {"baseline_date": "2022-12-31", "responsible": ["市市场监管局"]}
    assert read.indicators == [
        indicator(
            name="发明专利授权量",
            uom="件",
            target=12000,  # 1.2万 in a 件 column, as measures reads "1.2万件"
            source_text="知识产权创造 | 发明专利授权量 | 件 | 8000 | 1.2万 | 市市场监管局",
            baseline_value=8000,
            nature="",
            area="知识产权创造",
            line=3,
            **base,
        ),
        indicator(
            name="国家级知识产权优势企业",
            uom="家",
            kind="milestone",
            target=1,
            baseline_date="2022-12-31",
            aggregation="lead",
            source_text=" | 国家级知识产权优势企业 | 家 | 0 | 实现零的突破 | 市市场监管局、市经信局",
            baseline_value=0,
            nature="",
            responsible=["市市场监管局", "市经信局"],
            area="知识产权创造",
            line=4,
        ),
        indicator(
            name="知识产权保护社会满意度",  # its unit was written in the name's bracket
            uom="%",
            kind="rate",
            target=85,
            aggregation="lead",  # a survey result, not a sum of units' figures
            source_text="知识产权保护 | 知识产权保护社会满意度（%） |  | 80 | 85 | 市市场监管局",
            baseline_value=80,
            nature="",
            area="知识产权保护",
            line=5,
            **base,
        ),
        indicator(
            name="累计培育知识产权服务机构",
            uom="家",
            kind="cumulative",
            target=35,
            source_text=" | 累计培育知识产权服务机构 | 家 | 20 | 35 | 市市场监管局",
            baseline_value=20,
            nature="",
            area="知识产权保护",
            line=6,
            **base,
        ),
    ]


# 测试数据: 东湖市, rows the reader cannot make an indicator of, each said with its line and why.
DONGHU = "\n".join(
    [
        "序号\t指标名称\t单位\t基期值\t目标值",
        "1\t专利导航项目\t项\t2\t—",
        "2\t知识产权运营能力\t\t—\t大幅提升",
        "3\t专利开放许可",
        "4\t\t件\t3\t5",
        "5\t知识产权金融服务覆盖面\t%\t约3成\t60",
        "6\t地理标志产品产值\t亿元\t10\t年均增长8%",
    ]
)


def test_rows_without_a_target_or_with_a_value_not_understood_are_listed_with_why():
    read = table_indicators(only_table(DONGHU), default_deadline="2025-12-31")
    assert read.unread == [
        (2, "1 | 专利导航项目 | 项 | 2 | —", "这一行没有目标值，未读取"),
        (3, "2 | 知识产权运营能力 |  | — | 大幅提升", "目标值“大幅提升”无法识别，未读取"),
        (4, "3 | 专利开放许可", "这一行有2格，表头有5格，无法对应到列，未读取"),
        (5, "4 |  | 件 | 3 | 5", "这一行没有指标名称，未读取"),
        (6, "5 | 知识产权金融服务覆盖面 | % | 约3成 | 60", "基期值“约3成”无法识别，未读取基期值"),
        (
            7,
            "6 | 地理标志产品产值 | 亿元 | 10 | 年均增长8%",
            "目标值“年均增长8%”是年均增速，表头没有基期和目标年份，无法换算，未读取",
        ),
    ]
    # The row whose base value was not understood still gives its target.
    assert [(i["name"], i["target"], i["baseline_value"], i["line"]) for i in read.indicators] == [
        ("知识产权金融服务覆盖面", 60, None, 6)
    ]
    assert read.used


@pytest.mark.parametrize(
    "years", [("2021年", "2023年", "2025年"), ("2021年（基期）", "2023年目标", "2025年目标")]
)
def test_with_three_year_columns_the_first_is_the_base_the_last_the_target_and_the_middle_one_is_said(years):
    header = "\t".join(("指标名称", "单位", *years))
    table = only_table(f"{header}\n有效注册商标量\t万件\t1.5\t2\t2.6")
    read = table_indicators(table, default_deadline="2025-12-31")
    assert [(i["target"], i["uom"], i["baseline_value"], i["baseline_date"]) for i in read.indicators] == [
        (26000, "件", 15000, "2021-12-31")  # a 万件 column is read in 件, as measures reads "2.6万件"
    ]
    assert read.unread == [
        (1, " | ".join(("指标名称", "单位", *years)), f"“{years[1]}”列未读取（每个指标只读取基期值和目标值）")
    ]


# 测试数据: 南浦市, a work schedule table in the plan: taken out of the text, not read as indicators.
NANPU = "\n".join(
    [
        "五、工作进度安排",
        "阶段\t时间\t内容",
        "动员部署\t2022年6月\t制定方案，明确分工",
        "",
        "全面推进\t2022年7月—2024年12月\t各项任务全面实施",
        "总结验收\t2025年1月—6月\t开展评估，迎接验收",
        "六、保障措施",
    ]
)


def test_a_table_without_an_indicator_name_column_is_taken_and_said_not_to_be_an_indicator_table():
    rest, tables = tables_take(numbered(NANPU))
    assert rest == [(1, "五、工作进度安排"), (4, ""), (7, "六、保障措施")]  # a heading is no caption
    assert [line for line, _cells in tables[0].rows] == [3, 5, 6]
    assert tables[0].lines == [2, 3, 5, 6]
    assert table_indicators(tables[0], default_deadline="2025-06-30") == TableRead(
        used=False, reason="没有“指标名称”列"
    )


def test_prose_is_not_a_table_even_with_wide_spaces_or_a_single_line_of_cells():
    lines = numbered(
        "（一）指导思想  以习近平新时代中国特色社会主义思想为指导。\n"
        "序号\t指标名称\t目标值\n"
        "二、主要任务\n"
        "德阳市人民政府办公室    2022年6月1日"
    )
    assert tables_take(lines) == (lines, [])


def test_a_docx_with_its_indicator_table_in_an_appendix_gives_the_indicators():
    """测试数据: 西岭市. The plan says 主要指标详见附件 and the table follows a 附件 heading in the Word file."""
    document = docx.Document()
    document.add_paragraph("西岭市知识产权强市建设工作方案")
    document.add_paragraph("到2025年，主要指标详见附件。")
    document.add_heading("附件", level=1)
    document.add_paragraph("西岭市知识产权强市建设主要指标表")
    rows = [
        ("序号", "指标名称", "单位", "基期值（2021年）", "目标值（2025年）", "属性", "责任单位"),
        ("一、知识产权创造",) * 7,  # merged across the table
        ("1", "高新技术企业", "户", "260", "402", "预期性", "市科技局"),
        ("2", "知识产权示范企业", "家", "—", "获批", "约束性", "市市场监管局、\n市经信局"),
    ]
    table = document.add_table(rows=len(rows), cols=7)
    table.cell(1, 0).merge(table.cell(1, 6))
    for row, texts in zip(table.rows, rows, strict=True):
        for index, text in enumerate(texts):
            row.cells[index].text = text
    buffer = io.BytesIO()
    document.save(buffer)
    text = plan_text_read(name="方案.docx", content=buffer.getvalue())
    rest, tables = tables_take(numbered(text))
    assert rest == [(1, "西岭市知识产权强市建设工作方案"), (2, "到2025年，主要指标详见附件。")]
    assert (tables[0].title, tables[0].line) == ("附件 西岭市知识产权强市建设主要指标表", 3)
    assert tables[0].rows[0] == (6, ["一、知识产权创造"])
    read = table_indicators(tables[0], default_deadline="2025-06-30", plan_start="2022-01-01")
    common = {"target_date": "2025-06-30", "area": "知识产权创造"}
    assert (
        read
        == TableRead(
            indicators=[
                indicator(
                    name="高新技术企业",
                    uom="户",
                    target=402,
                    baseline_date="2021-12-31",
                    source_text="1 | 高新技术企业 | 户 | 260 | 402 | 预期性 | 市科技局",
                    baseline_value=260,
                    responsible=["市科技局"],
                    line=7,
                    **common,
                ),
                indicator(
                    name="知识产权示范企业",
                    uom="家",
                    kind="milestone",
                    target=1,
                    aggregation="lead",
                    source_text="2 | 知识产权示范企业 | 家 | — | 获批 | 约束性 | 市市场监管局、市经信局",  # no space left by the line break
                    nature="约束性",
                    responsible=["市市场监管局", "市经信局"],
                    line=8,
                    **common,
                ),
            ]
        )
    )


# 测试数据: 石门市, the appendix copied out of a PDF: columns aligned with ASCII spaces.
SHIMEN = "\n".join(
    [
        "附件  石门市知识产权主要指标表",
        "序号  指标名称                    单位    2023年（基期）   2026年（目标）   属性",
        "一、知识产权创造",
        "1     每万人口高价值发明专利拥有量  件      4.1              8                预期性",
        "二    知识产权保护",
        "2     专利侵权纠纷办结周期          天      60               ≤45              约束性",
    ]
)


def test_a_table_aligned_with_ascii_spaces_is_read_with_its_group_rows():
    table = only_table(SHIMEN)
    assert (table.title, table.header) == (
        "附件 石门市知识产权主要指标表",
        ["序号", "指标名称", "单位", "2023年（基期）", "2026年（目标）", "属性"],
    )
    read = table_indicators(table, default_deadline="2026-12-31")
    got = [(i["area"], i["name"], i["uom"], i["baseline_value"], i["comparison"], i["target"], i["nature"])
           for i in read.indicators]  # fmt: skip
    assert got == [
        ("知识产权创造", "每万人口高价值发明专利拥有量", "件", 4.1, ">=", 8, "预期性"),
        ("知识产权保护", "专利侵权纠纷办结周期", "天", 60, "<=", 45, "约束性"),
    ]
    assert [(i["line"], i["baseline_date"]) for i in read.indicators] == [
        (4, "2023-12-31"),
        (6, "2023-12-31"),
    ]
    assert read.unread == [] and read.flags == []


# 测试数据: 白河市, a plan with a schedule table and an indicator table with a yearly rate, read whole.
BAIHE = "\n".join(
    [
        "白河市知识产权强市建设方案（2024—2026年）",
        "一、主要目标",
        "到2026年，主要指标详见附件。",
        "二、重点任务",
        "1.加强保护。开展执法。（责任单位：市市场监管局）",
        "三、工作进度安排",
        "阶段\t时间\t内容",
        "动员部署\t2024年3月\t制定方案",
        "全面推进\t2024年4月—2026年6月\t全面实施",
        "附件",
        "白河市主要指标表",
        "序号\t指标名称\t单位\t2023年（基期）\t2026年（目标）\t属性",
        "1\t专利转化实施收益\t万元\t300\t年均增长10%\t预期性",
        "2\t知识产权运营能力\t\t—\t明显提升\t预期性",
    ]
)


def test_in_a_plan_a_table_not_used_and_a_row_not_read_are_listed_and_a_yearly_rate_is_flagged():
    units = [
        {"code": "s", "name": "市市场监管局", "full_name": "白河市市场监督管理局", "kind": "city_department"}
    ]
    result = plan_parse(BAIHE, completions={"units": units, "groups": []})
    not_used = "表格“阶段 | 时间 | 内容”未作为指标表读取：没有“指标名称”列"
    not_read = "目标值“明显提升”无法识别，未读取"
    assert [(w.line, w.message) for w in result.warnings] == [
        (6, "“工作进度安排”这一部分不是目标、任务或保障措施，未导入"),
        (7, not_used),
        (13, "“年均增长10%”按逐年复合折算为基期（2023年底）的1.331倍（3年），请确认"),  # 1.1³
        (14, not_read),
    ]
    assert [(s.line, s.reason) for s in result.skipped if s.line >= 7] == [
        (7, not_used),
        (8, not_used),
        (9, not_used),
        (14, not_read),
    ]
    assert {10, 11, 12, 13} <= set(result.lines_read)  # the caption, header and the row read, flagged or not
    [area] = result.plan["areas"]
    [indicator] = area["indicators"]
    assert (indicator["name"], indicator["kind"], indicator["factor"], indicator["annual_rate"]) == (
        "专利转化实施收益",
        "relative",
        1.331,
        10,
    )
