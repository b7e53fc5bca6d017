"""What the window and the papers call each business and action of the audit log (the codes of
`audit.business` / `audit.action` and `receipts.business`): one mapping, used by the 日结 page,
receipt verification and the papers."""

from __future__ import annotations

BUSINESS_LABELS = {
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
    "person": "人员登记",
    "household": "家庭成员",
    "receipt": "收据",
    "roster_import": "花名册导入",
    "account": "账户",
    "hall": "大厅",
    "setting": "设置",
    "pack": "政策包",
    "review": "复核",
    "export": "导出",
    "print": "打印",
    "backup": "备份",
    "reprint": "补打",
    "integrity": "审计",
    "sync": "同步",
}
ACTION_LABELS = {
    "enroll": "登记", "renewal": "续保", "register": "登记", "change": "变更", "request": "提交申请",
    "approve": "复核通过", "approve_partial": "一级复核通过", "reject": "驳回", "void": "作废", "file": "备案",
    "cancel": "取消", "accept": "受理", "review": "审核", "settle": "结算", "supplement": "补交材料",
    "add_member": "加入家庭", "remove_member": "移出家庭", "death": "死亡登记", "student": "在校登记",
    "login": "登录", "login_failed": "登录失败", "unlock": "解锁", "unlock_failed": "解锁失败",
    "change_password": "修改密码", "change_password_failed": "修改密码失败", "create_account": "新建账户",
    "disable_account": "停用账户", "enable_account": "启用账户", "set_roles": "修改身份", "reset_password": "重置密码",
    "configure_hall": "首次设置", "set_setting": "修改设置", "import_pack": "导入政策包", "refused": "被拒绝的操作",
    "export": "导出", "print": "打印", "backup": "备份", "restore": "从备份恢复", "reprint": "补打",
    "recover": "凭恢复码解锁", "recover_failed": "恢复码错误", "recovery_code": "生成恢复码", "baseline": "审计基线",
    "issue": "出具", "apply_shared": "同步大厅共享变更",
}

