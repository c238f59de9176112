"""The service-order sheet's contract (../shared/spec/service-order.md) as data.

One Column per canonical header: the English field name used in code and in the orders
frame, the Chinese header the dealer sees, the synonyms the reader accepts, the kind of
value, and (for list columns) the allowed values. Computed columns are listed apart.
"""
from __future__ import annotations

from dataclasses import dataclass

SHEET_NAME = "服务单"

SERVICE_TYPES = ("安装", "维修", "保养", "退换货", "咨询")
ONSITE_TYPES = SERVICE_TYPES[:3]      # the types done at the customer's: address, arrival, travel
CITY_TIERS = ("省会", "地级市", "县城", "乡镇")
DEFAULT_CATEGORIES = ("电视", "冰箱", "洗衣机", "空调", "热水器", "微波炉", "吸油烟机", "燃气热水器", "燃气灶")
YES_NO = ("是", "否")
RATINGS = ("非常满意", "满意", "一般", "不满意", "很不满意")

# kinds: text, phone, choice, date, datetime, int, number, money
TEXT, PHONE, CHOICE, DATE, DATETIME, INT, NUMBER, MONEY = (
    "text", "phone", "choice", "date", "datetime", "int", "number", "money")


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    kind: str
    synonyms: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    hint: str = ""
    width: int = 12


COLUMNS: tuple[Column, ...] = (
    Column("order_no", "服务单编号", TEXT, ("单号", "工单号", "编号"), hint="每张服务单唯一,如 FW202610001", width=14),
    Column("service_type", "服务类型", CHOICE, ("类型",), SERVICE_TYPES),
    Column("customer", "客户名称", TEXT, ("客户", "用户姓名", "姓名"), width=10),
    Column("phone", "联系电话", PHONE, ("电话", "手机", "联系方式"),
           hint="手机11位,如13812345678;座机带区号,如0731-84567890", width=15),
    Column("address", "地址", TEXT, ("客户地址", "详细地址"), width=30),
    Column("city_tier", "城市级别", CHOICE, ("区域级别",), CITY_TIERS),
    Column("category", "产品类型", CHOICE, ("品类",), DEFAULT_CATEGORIES),
    Column("model", "产品型号", TEXT, ("型号",), width=14),
    Column("serial", "产品序列号", TEXT, ("序列号", "机号", "条码"), hint="维修、退换货必填,用于统计同一台机器的返修", width=18),
    Column("production_date", "出厂日期", DATE, ("生产日期",)),
    Column("purchase_date", "购买日期", DATE, ("发票日期", "购机日期"), hint="按发票日期填写;没有发票就空着,按出厂日期推算三包"),
    Column("claimed_warranty", "是否三包期内", CHOICE, ("是否保内", "三包"), YES_NO),
    Column("usage", "产品使用工况", TEXT, ("使用工况", "使用环境"), width=14),
    Column("reported_at", "报修时间", DATETIME, ("投诉时间", "来电时间"), hint="日期和时间,如 2026-10-05 09:30", width=17),
    Column("first_contact", "首次响应时间", DATETIME, ("响应时间", "首次联系时间"), hint="第一次联系客户的时间(可选,用于计算响应时长)", width=17),
    Column("arrived_at", "到达现场时间", DATETIME, ("到达时间",), hint="上门服务完成后必填", width=17),
    Column("left_at", "离开现场时间", DATETIME, ("离开时间", "完成时间"), width=17),
    Column("technician", "售后人员", TEXT, ("维修人员", "服务人员", "师傅"), width=10),
    Column("staff_count", "到达人员数", INT, ("人数",), width=10),
    Column("labour_hours", "服务工时", NUMBER, ("工时",), hint="小时,不超过在现场时间×到达人员数", width=10),
    Column("distance_km", "单程距离(公里)", NUMBER, ("距离", "公里数", "里程"), hint="从服务网点到客户家的单程公里数", width=14),
    Column("reported_fault", "报修故障", TEXT, ("问题描述", "故障现象"), width=20),
    Column("diagnosed_fault", "现场确诊故障", TEXT, ("检测结果", "确诊故障"), width=20),
    Column("cause", "原因分析", TEXT, ("故障原因",), width=20),
    Column("cause_class", "原因类别", TEXT, ("原因分类", "故障类别"),
           hint="可选:关键词判断不对时从下拉列表选择(列表在“原因分类”表)", width=12),
    Column("solution", "解决方案", TEXT, ("处理方案", "处理措施"), width=20),
    Column("parts", "更换配件", TEXT, ("配件", "配件名称"), hint="多个配件用顿号、逗号或分号隔开", width=16),
    Column("customer_agreed", "客户同意维修", CHOICE, ("同意维修",), YES_NO, hint="检测后客户不修填“否”,不收任何费用"),
    Column("parts_fee", "配件费用", MONEY, ("材料费",), width=10),
    Column("labour_fee", "工时费", MONEY, ("人工费", "检修费"), width=10),
    Column("other_service", "其他服务", TEXT, (), width=14),
    Column("rating", "客户评价", CHOICE, ("满意度",), RATINGS),
    Column("comment", "客户意见", TEXT, ("客户反馈",), width=20),
    Column("visit_date", "回访日期", DATE, ()),
    Column("visit_result", "回访结果", TEXT, (), hint="回访时客户怎么说,写上满意/不满意等评价词,如“客户满意”", width=14),
    Column("standby_lent", "是否借用备用机", CHOICE, ("备用机",), YES_NO,
           hint="机器拉回维修、给客户装了备用机填“是”"),
    Column("standby_returned", "备用机归还日期", DATE, (), hint="修好的机器送回、备用机收回的日期"),
    Column("verified", "已核实", CHOICE, ("是否核实", "核实"), YES_NO,
           hint="保外转保内嫌疑单核实无误(如库存机确实晚售)填“是”,才计入厂家结算", width=8),
    # Last, so the columns before it keep their letters in older workbooks and formulas.
    Column("brand", "品牌", TEXT, ("厂家", "生产厂家", "厂商"),
           hint="产品的品牌(或厂家名):决定按哪个厂家的政策结算、反馈包发给哪个厂家。"
                "设置表里只有一个厂家时可不填", width=10),
)

# Written by the tool beside the dealer's columns; never typed by hand.
COMPUTED_HEADERS: tuple[str, ...] = (
    "三包判定", "判定依据", "交通费", "夜间加收", "应收客户合计", "厂家结算金额",
    "响应时长(小时)", "上门时长(小时)", "是否超时",
)

BY_FIELD = {c.field: c for c in COLUMNS}
BY_HEADER = {c.header: c for c in COLUMNS}
FIELDS = tuple(c.field for c in COLUMNS)


def header_of(field: str) -> str:
    return BY_FIELD[field].header
