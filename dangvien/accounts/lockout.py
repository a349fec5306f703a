"""What a locked-out login gets (django-axes): JSON for the API, a page otherwise."""

from django.http import JsonResponse
from django.shortcuts import render

MESSAGE = "Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần; vui lòng thử lại sau."


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked", "message": MESSAGE}, status=429)
    return render(request, "auth/locked.html", status=429)
