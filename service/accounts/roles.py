"""Roles, permissions and who holds which: the one table of who may do what (docs/access.md shows it).

A route declares the permission it needs (``service.accounts.deps.Permit``); what data it then returns is
limited by the caller's scope (``service.accounts.scope``). City and county offices do not see draws: the
sample stays unknown to the offices being evaluated until the firm arrives (the spot check hunts for
fraud, 弄虚作假), while they still see their own area's houses and maps.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """The six kinds of user (mission.md)."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    FIRM = "firm"
    INSPECTOR = "inspector"
    LEADER = "leader"


ROLE_LABELS: dict[Role, str] = {
    Role.PROVINCE: "省专班",
    Role.CITY: "市州专班",
    Role.COUNTY: "县区专班",
    Role.FIRM: "第三方机构",
    Role.INSPECTOR: "检查员",
    Role.LEADER: "领导",
}


class Permission(StrEnum):
    """What a route may need. ``PUBLIC`` routes need nothing (health, login, static assets)."""

    PUBLIC = "public"
    SELF = "self"  # one's own account: who am I, password, tokens, logout
    READ = "read"  # divisions, houses, sites, maps, tiles: within the scope
    DRAWS_READ = "draws.read"  # plans, draws, samples, coverage, estimates, exports
    IMPORT = "frame.import"
    PLAN = "draws.plan"
    DRAW = "draws.draw"  # the county draw and the house draws
    PUBLISH = "draws.publish"
    VERIFY = "draws.verify"
    REPLACE = "draws.replace"
    FIELD_READ = "field.read"  # firms, teams, assignments, route plans and routes: within the scope
    FIELD_MANAGE = "field.manage"  # teams, bases, assignment by hand, route planning, supplied matrices
    FIELD_VISIT = "field.visit"  # mark one's team's house visited
    INSPECT_READ = "inspections.read"  # inspections, their photos and reviews: within the scope
    INSPECT = "inspections.write"  # fill in and submit the inspection of one's team's houses
    INSPECT_REVIEW = "inspections.review"  # approve an inspection or return it with comments
    FOLLOWUP_READ = "followup.read"  # rectification notices and control cases: within the scope
    NOTICES_ISSUE = "notices.issue"  # issue a rectification notice (number, deadline, document)
    NOTICES_ANSWER = "notices.answer"  # report rectification progress with evidence (the county office)
    NOTICES_CLOSE = "notices.close"  # accept (close) or reject a notice reported done
    CONTROLS_RECORD = "controls.record"  # record control measures taken at a house at risk of collapse
    CONTROLS_ACK = "controls.acknowledge"  # acknowledge a control alert
    EVAL_READ = "evaluation.read"  # document review, questionnaire results, reports, dashboard: within the scope
    EVAL_CONFIGURE = "evaluation.configure"  # checklists, weights and questionnaire definitions of a year
    EVAL_EVIDENCE = "evaluation.evidence"  # upload evidence for a checklist item (the county office)
    EVAL_SCORE = "evaluation.score"  # score a checklist item with a comment (the firm)
    SURVEY_ANSWER = "survey.answer"  # answer a questionnaire through one's account (officials and staff)
    SURVEY_MANAGE = "survey.manage"  # issue resident links and QR codes, type in paper answers
    REPORTS_WRITE = "reports.write"  # edit a report's narrative and export the final .docx
    ACCOUNTS = "accounts.manage"
    AUDIT = "audit.read"


ALL = frozenset(Role)
PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.PUBLIC: ALL,
    Permission.SELF: ALL,
    Permission.READ: ALL,
    Permission.DRAWS_READ: frozenset({Role.PROVINCE, Role.FIRM, Role.INSPECTOR, Role.LEADER}),
    Permission.IMPORT: frozenset({Role.PROVINCE}),
    Permission.PLAN: frozenset({Role.PROVINCE}),
    Permission.DRAW: frozenset({Role.PROVINCE}),
    Permission.PUBLISH: frozenset({Role.PROVINCE}),
    Permission.VERIFY: frozenset({Role.PROVINCE}),
    Permission.REPLACE: frozenset({Role.PROVINCE, Role.FIRM}),
    Permission.FIELD_READ: frozenset({Role.PROVINCE, Role.FIRM, Role.INSPECTOR, Role.LEADER}),
    Permission.FIELD_MANAGE: frozenset({Role.PROVINCE, Role.FIRM}),
    Permission.FIELD_VISIT: frozenset({Role.FIRM, Role.INSPECTOR}),
    Permission.INSPECT_READ: ALL,
    Permission.INSPECT: frozenset({Role.FIRM, Role.INSPECTOR}),
    Permission.INSPECT_REVIEW: frozenset({Role.PROVINCE, Role.FIRM}),
    Permission.FOLLOWUP_READ: frozenset({Role.PROVINCE, Role.CITY, Role.COUNTY, Role.FIRM, Role.LEADER}),
    Permission.NOTICES_ISSUE: frozenset({Role.PROVINCE, Role.CITY}),
    Permission.NOTICES_ANSWER: frozenset({Role.COUNTY}),
    Permission.NOTICES_CLOSE: frozenset({Role.PROVINCE, Role.CITY}),
    Permission.CONTROLS_RECORD: frozenset({Role.CITY, Role.COUNTY, Role.FIRM, Role.INSPECTOR}),
    Permission.CONTROLS_ACK: frozenset({Role.PROVINCE, Role.CITY}),
    Permission.EVAL_READ: frozenset({Role.PROVINCE, Role.CITY, Role.COUNTY, Role.FIRM, Role.LEADER}),
    Permission.EVAL_CONFIGURE: frozenset({Role.PROVINCE}),
    Permission.EVAL_EVIDENCE: frozenset({Role.COUNTY}),
    Permission.EVAL_SCORE: frozenset({Role.FIRM}),
    Permission.SURVEY_ANSWER: frozenset({Role.CITY, Role.COUNTY}),
    Permission.SURVEY_MANAGE: frozenset({Role.PROVINCE, Role.FIRM, Role.INSPECTOR}),
    Permission.REPORTS_WRITE: frozenset({Role.PROVINCE, Role.FIRM}),
    Permission.ACCOUNTS: frozenset({Role.PROVINCE}),
    Permission.AUDIT: frozenset({Role.PROVINCE}),
}

PERMISSION_LABELS: dict[Permission, str] = {
    Permission.PUBLIC: "公开（健康检查、登录页、静态资源）",
    Permission.SELF: "本人账户（身份、改密码、令牌、退出）",
    Permission.READ: "查看辖区内的区划、房屋、敏感场所和地图",
    Permission.DRAWS_READ: "查看抽样方案、抽样结果、覆盖性评价、估计和导出",
    Permission.IMPORT: "导入房屋、敏感场所、乡镇边界和路网",
    Permission.PLAN: "制定抽样方案",
    Permission.DRAW: "抽取县区和房屋",
    Permission.PUBLISH: "发布抽样结果",
    Permission.VERIFY: "复核抽样结果（写入复核记录）",
    Permission.REPLACE: "使用备选房屋替换",
    Permission.FIELD_READ: "查看检查机构、检查组、房屋分配和检查路线",
    Permission.FIELD_MANAGE: "管理检查组和驻地、调整房屋分配、规划路线",
    Permission.FIELD_VISIT: "标记本组房屋已入户",
    Permission.INSPECT_READ: "查看辖区内的入户检查记录、照片和审核意见",
    Permission.INSPECT: "填写和提交本组房屋的入户检查表",
    Permission.INSPECT_REVIEW: "审核入户检查（通过或退回修改）",
    Permission.FOLLOWUP_READ: "查看辖区内的整改通知、整改进展和倒塌风险管控情况",
    Permission.NOTICES_ISSUE: "下发整改通知单（编号、整改期限、文书）",
    Permission.NOTICES_ANSWER: "报送整改进展和佐证材料",
    Permission.NOTICES_CLOSE: "验收销号或退回整改",
    Permission.CONTROLS_RECORD: "记录倒塌风险房屋的管控措施",
    Permission.CONTROLS_ACK: "确认倒塌风险管控预警",
    Permission.EVAL_READ: "查看辖区内的资料查阅评分、问卷结果、评估报告和评估看板",
    Permission.EVAL_CONFIGURE: "设置年度资料查阅清单、权重和调查问卷",
    Permission.EVAL_EVIDENCE: "上传、撤回（评分前）资料查阅的佐证材料",
    Permission.EVAL_SCORE: "为资料查阅清单逐项评分",
    Permission.SURVEY_ANSWER: "以本人账户填写调查问卷（干部、工作人员）",
    Permission.SURVEY_MANAGE: "发放群众问卷链接和二维码、录入纸质问卷",
    Permission.REPORTS_WRITE: "编辑评估报告文字并导出定稿",
    Permission.ACCOUNTS: "管理账户",
    Permission.AUDIT: "查看和校验审计日志",
}

# What each role's scope is, in words (docs and the accounts page).
SCOPE_RULES: dict[Role, str] = {
    Role.PROVINCE: "全省",
    Role.CITY: "一个市州的全部县区",
    Role.COUNTY: "一个县区（或兰州新区、嘉峪关）",
    Role.FIRM: "某抽样方案中本组（本机构）的县区",
    Role.INSPECTOR: "分配给本检查组的房屋（及其所在县区）",
    Role.LEADER: "全省或一个市州（只读）",
}


def allowed(role: Role, permission: Permission) -> bool:
    """Whether the role holds the permission."""
    return role in PERMISSIONS[permission]


def access_table_markdown() -> str:
    """The permission table as Markdown: docs/access.md embeds it and a test keeps the two equal."""
    roles = list(Role)
    lines = [
        "| 权限 permission | " + " | ".join(f"{ROLE_LABELS[r]} `{r}`" for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for p in Permission:
        marks = " | ".join("✓" if r in PERMISSIONS[p] else "" for r in roles)
        lines.append(f"| {PERMISSION_LABELS[p]} `{p}` | {marks} |")
    return "\n".join(lines)
