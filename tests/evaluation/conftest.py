"""The evaluation's tests run on the follow-up world (tests/followup/conftest.py: the field world's published
draw of 城关区 620102, 红古区 620111 (第一组) and 白银区 620402 (第二组), the firms ``lead`` and ``other``, the
provincial office ``prov``, city and county offices and a city leader). Each part keeps its own fixtures in
its test modules; only the shared world is imported here, so that its template is built once."""

from tests.followup.conftest import (  # noqa: F401
    Followup,
    field_template,
    followup_server,
    followup_template,
    followup_url,
    fu,
)
