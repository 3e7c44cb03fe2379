"""The column heads of the tool's sheets, word for word as the tests expect them.

One list per sheet, with the table's extra columns (完成时限, 牵头负责领导 …) or the months in their place.
"""


def form_head(*extras: str) -> list:
    """The heads of a 填报表's task rows, the table's ``extras`` after its 工作目标."""
    return ["任务编号", "工作内容", "工作目标", *extras, "职责", "完成状态", "推进情况", "存在问题", "下步打算"]


def detail_head(*extras: str) -> list:
    """The heads of the 汇总表's 明细 sheet, the table's ``extras`` after its 工作内容."""
    return [
        "任务编号",
        "类别",
        "工作内容",
        *extras,
        "填报单位",
        "职责",
        "报送状态",
        "完成状态",
        "推进情况",
        "存在问题",
        "下步打算",
        "填报人",
        "联系电话",
        "来源文件",
        "收到时间",
    ]


def indicator_head(*months: str) -> list:
    """The heads of the 汇总表's 指标 sheet, one column per month of ``months`` (10月, 11月 …) last."""
    return [
        "指标编号",
        "工作内容",
        "指标名称",
        "目标",
        "填报单位",
        "截至本月完成值",
        "序时进度",
        "达标情况",
        "说明",
        *months,
    ]
