"""Pages of this area (Vietnamese); views parse, call one service or selector, render."""

from django.http import HttpResponse


def _stub(request, *args, **kwargs):
    return HttpResponse("")


admission_list = admission_create = readmission_create = recognition_detail = _stub
recognition_step = admission_detail = admission_step = _stub
