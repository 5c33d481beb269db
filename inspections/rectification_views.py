"""STUB: to be written."""

from django.http import HttpResponse


def rectification_list(request, pk=None):
    return HttpResponse(status=501)


def rectification_detail(request, pk=None):
    return HttpResponse(status=501)


def rectification_reply_view(request, pk=None):
    return HttpResponse(status=501)


def rectification_recheck_view(request, pk=None):
    return HttpResponse(status=501)

