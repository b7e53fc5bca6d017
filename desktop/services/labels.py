"""The businesses, actions, documents and states in the words the public and the clerks read.

One home for every label of a stored code: the papers (services/printing), the 日结 page, the
receipt check (services/verification), the print preview and 补打 read them from here.
"""

from __future__ import annotations

from desktop.identity import mask_id

# business code (receipts, audit) -> its name
BUSINESSES = {
    "enroll": "参保登记",
    "renewal": "续保",
    "change": "变更登记",
    "suspension": "停保",
    "termination": "退保",
    "refund": "退费",
    "offsite_filing": "异地就医备案",
    "manual_claim": "零星报销",
    "certificate": "参保证明",
    "chronic_application": "门诊慢特病待遇申请",
}

# what else the audit names: the 日结 page's 业务 column
AUDITED = {
    **BUSINESSES,
    "person": "人员登记", "household": "家庭成员", "receipt": "收据", "roster_import": "花名册导入",
    "account": "账户", "hall": "大厅", "setting": "设置", "pack": "政策包", "review": "复核", "export": "导出",
    "print": "打印", "backup": "备份", "reprint": "补打", "integrity": "审计", "sync": "同步", "conflict": "冲突处理",
}

# audit action code -> its name (the 日结 page's 操作 column)
ACTIONS = {
    "enroll": "登记", "renewal": "续保", "register": "登记", "change": "变更", "request": "提交申请",
    "approve": "复核通过", "approve_partial": "一级复核通过", "reject": "驳回", "void": "作废", "file": "备案",
    "cancel": "取消", "accept": "受理", "review": "审核", "settle": "结算", "supplement": "补交材料",
    "add_member": "加入家庭", "remove_member": "移出家庭", "death": "死亡登记", "student": "在校登记",
    "login": "登录", "login_failed": "登录失败", "unlock": "解锁", "unlock_failed": "解锁失败",
    "change_password": "修改密码", "change_password_failed": "修改密码失败", "create_account": "新建账户",
    "disable_account": "停用账户", "enable_account": "启用账户", "set_roles": "修改身份", "reset_password": "重置密码",
    "configure_hall": "首次设置", "set_setting": "修改设置", "import_pack": "导入政策包", "refused": "被拒绝的操作",
    "baseline": "审计基线", "export": "导出", "print": "打印", "backup": "备份", "restore": "从备份恢复",
    "recover": "凭恢复码解锁", "recover_failed": "恢复码错误", "recovery_code": "生成恢复码",
    "reprint": "补打", "issue": "出具", "view": "查阅", "apply_shared": "同步大厅共享变更", "refuse_pack": "拒收同步的政策包",
}

# 日结报表 rows: (business, action) -> label
DAY_LABELS = {
    ("enroll", "enroll"): "参保登记",
    ("renewal", "renewal"): "续保",
    ("change", "change"): "变更登记（即时生效）",
    ("change", "request"): "变更登记（提交复核）",
    ("suspension", "request"): "停保申请",
    ("termination", "request"): "退保申请",
    ("refund", "request"): "退费申请",
    ("offsite_filing", "file"): "异地就医备案",
    ("offsite_filing", "change"): "异地就医备案变更",
    ("offsite_filing", "cancel"): "异地就医备案取消",
    ("manual_claim", "accept"): "零星报销受理",
    ("manual_claim", "supplement"): "零星报销补交材料",
    ("manual_claim", "review"): "零星报销审核",
    ("manual_claim", "settle"): "零星报销结算",
    ("receipt", "void"): "作废收据",
    ("receipt", "reprint"): "补打单据",
    ("person", "register"): "人员登记",
    ("person", "student"): "在校学生身份登记",
    ("person", "death"): "死亡登记",
    ("person", "view"): "查阅参保人档案",
    ("household", "add_member"): "家庭成员加入",
    ("household", "remove_member"): "家庭成员移出",
    ("account", "login"): "登录",
    ("account", "login_failed"): "登录失败",
    ("account", "unlock"): "解锁",
    ("account", "unlock_failed"): "解锁失败",
    ("account", "change_password"): "修改密码",
    ("account", "change_password_failed"): "修改密码失败",
    ("account", "create_account"): "新建账户",
    ("account", "disable_account"): "停用账户",
    ("account", "enable_account"): "启用账户",
    ("account", "set_roles"): "调整账户身份",
    ("account", "reset_password"): "重置密码",
    ("hall", "configure_hall"): "大厅首次设置",
    ("setting", "set_setting"): "修改大厅参数",
    ("pack", "import_pack"): "导入政策包",
    ("pack", "refuse_pack"): "拒收同步的政策包（校验未通过）",
    ("export", "export"): "导出清单",
    ("certificate", "issue"): "出具参保证明",
    ("chronic_application", "accept"): "门诊慢特病待遇申请受理",
    ("print", "print"): "打印业务单据",
    ("backup", "backup"): "备份数据库",
    ("backup", "restore"): "从备份恢复数据库",
    ("account", "recover"): "凭恢复码解除锁定",
    ("account", "recover_failed"): "恢复码错误",
    ("hall", "recovery_code"): "生成大厅恢复码",
    ("conflict", "view"): "查看冲突列表",
    ("conflict", "resolve"): "处理冲突",
}
# reviews on the 日结报表: the business reviewed, then the decision
REVIEW_BUSINESS = {"change": "变更登记", "termination": "停保退保", "refund": "退费",
                   "chronic_application": "门诊慢特病待遇申请"}
REVIEW_ACTIONS = {"approve": "复核通过", "reject": "复核驳回", "approve_partial": "一级复核通过"}

# the CLI's document kinds (printing.KIND_OF) -> the document's title
DOCUMENTS = {
    "receipt": "受理回执", "payment_notice": "缴费通知单", "offsite_receipt": "异地就医备案回执",
    "processing_slip": "综合业务处理单", "estimate": "报销测算单", "checklist": "一次性告知单",
    "day_report": "日结报表", "certificate": "参保缴费证明", "chronic_receipt": "受理回执",
    "household_receipt": "受理回执（家庭）",
}

# an enrollment's status
STATUSES = {"active": "有效", "suspended": "已停保", "terminated": "已退保", "refunded": "已退费"}

# a person's fields as a change names them
CHANGE_FIELDS = {
    "name": "姓名", "id_number": "身份证号码", "phone": "联系电话", "address": "地址",
    "hukou_nature": "户口性质", "category": "参保类别",
}
OFFSITE_ACTIONS = {"file": "备案", "change": "变更备案", "cancel": "取消备案"}


def field_value(field: str, value: str | None) -> str:
    """A changed field's value as the screen and the papers show it: ID numbers masked."""
    if value is None:
        return "（空）"
    return mask_id(value) if field == "id_number" else value
