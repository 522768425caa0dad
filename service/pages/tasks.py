"""What each role does, as the start page lists it (Chinese): the pages and API it works with.

One's own account (the password page, logout) is on every start page beside the name, not a task.
"""

from __future__ import annotations

from service.accounts.roles import Role
from service.accounts.schemas import Link

_MAP = Link(title="隐患分布图", href="/map", description="全省（或辖区）自建房隐患和整治情况地图")
_COVERAGE = Link(title="抽样覆盖性评价", href="/coverage", description="抽中房屋的乡镇覆盖、空间均衡和代表性")
_ACCOUNTS = Link(title="账户管理", href="/accounts", description="实名账户、角色、辖区，重置密码，停用")
_AUDIT = Link(title="审计日志", href="/api/v1/audit", description="每一次写操作和登录，哈希链防篡改")
_PLANS = Link(title="抽样方案与抽样", href="/plans",
              description="制定方案、事先公布种子来源、抽取县区和房屋、覆盖性评价、发布、导出、替换")
_ROUTE = Link(title="今日检查路线", href="/route", description="本组当天入户顺序、地图路线、导航和离线路线")
_FIELD = Link(title="检查组与路线", href="/firm", description="各检查组的日程、路线、进度和未排入的房屋")
_FIELD_MANAGE = Link(title="检查组与路线", href="/firm",
                     description="各检查组的日程、路线和进度；分配房屋、重新规划，无法入户的房屋按抽样方案替换")
_REVIEW = Link(title="入户检查审核", href="/review", description="审核已提交的入户检查：照片、位置核验、通过或退回")
_NOTICES = Link(title="整改通知与倒塌风险管控", href="/notices",
                description="待下发的严重隐患、整改通知单、县区整改进展、逾期通知、倒塌风险管控预警")
_ANSWERS = Link(title="整改通知与整改进展", href="/notices",
                description="本县区收到的整改通知单，报送整改进展和佐证材料；倒塌风险管控")
_IMPORTS = Link(title="数据导入", href="/docs#/imports", description="导入房屋排查数据、敏感场所、乡镇边界")

_REPORTS = Link(title="评估报告", href="/evaluation/report",
                description="县区评估报告和全省汇总报告：由数据生成草稿，编辑后导出定稿（.docx）")
_DOC_REVIEW = Link(title="资料查阅评分", href="/evaluation/review",
                   description="县区逐项上传佐证材料，第三方机构逐项评分，各县区得分对比")
_DASHBOARD = Link(title="评估看板", href="/evaluation",
                  description="各市州、各抽中县区的关键指标：检查结果、数字整治率、逾期整改通知、资料查阅得分、满意度指数")
_SURVEY = Link(title="问卷调查", href="/evaluation/survey",
               description="群众问卷链接和二维码、纸质问卷录入、各县区满意度指数和满意率、开放性意见")
_OFFICIAL = Link(title="填写干部问卷", href="/survey?group=official",
                 description="以本人账户填写自建房安全专项整治工作满意度问卷（干部卷，每年一次）")
_STAFF = Link(title="填写工作人员问卷", href="/survey?group=staff",
              description="以本人账户填写满意度问卷（一线工作人员卷，每年一次）")

# Each role's tasks, most used first; the evaluation's pages for who holds evaluation.read, the survey's
# for who holds survey.manage (links, paper) or survey.answer (officials and staff answer once a year).
TASKS: dict[Role, list[Link]] = {
    Role.PROVINCE: [_PLANS, _COVERAGE, _FIELD_MANAGE, _REVIEW, _IMPORTS, _ACCOUNTS, _AUDIT, _MAP,
                    _DASHBOARD, _DOC_REVIEW, _SURVEY, _REPORTS],
    Role.CITY: [_NOTICES, _MAP, _DASHBOARD, _DOC_REVIEW, _REPORTS, _OFFICIAL, _STAFF],
    Role.COUNTY: [_ANSWERS, _MAP, _DOC_REVIEW, _DASHBOARD, _REPORTS, _OFFICIAL, _STAFF],
    Role.FIRM: [_FIELD_MANAGE, _REVIEW, _COVERAGE, _MAP, _DOC_REVIEW, _SURVEY, _REPORTS, _DASHBOARD],
    Role.INSPECTOR: [_ROUTE, _MAP, _SURVEY],
    Role.LEADER: [_DASHBOARD, _MAP, _FIELD, _REPORTS, _DOC_REVIEW],
}  # fmt: skip


def tasks_for(role: Role) -> list[Link]:
    """The start page's tasks for a role."""
    return TASKS[role]
