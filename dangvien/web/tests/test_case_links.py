"""Every open case links to a page: each case kind and each step of its
workflow table resolves to a URL (a kind added without one crashed the list
of open cases)."""

import pytest

from dangvien.compliance.models import CaseKind
from dangvien.compliance.workflow import workflow_for
from dangvien.web.cases.registry import case_url


@pytest.mark.parametrize("kind", list(CaseKind))
def test_every_step_of_every_case_kind_has_a_page(kind):
    steps = [s.code for s in workflow_for(kind).steps]
    assert steps, kind
    for code in steps:
        assert case_url(kind, 7, code).startswith("/"), (kind, code)
