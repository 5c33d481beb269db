"""STUB: to be written."""

from django.http import HttpResponse


def circular_list(request, pk=None):
    return HttpResponse(status=501)


def circular_create(request, pk=None):
    return HttpResponse(status=501)


def circular_detail(request, pk=None):
    return HttpResponse(status=501)


def circular_edit(request, pk=None):
    return HttpResponse(status=501)


def circular_submit_view(request, pk=None):
    return HttpResponse(status=501)


def circular_decide_view(request, pk=None):
    return HttpResponse(status=501)


def circular_issue_view(request, pk=None):
    return HttpResponse(status=501)


def circular_acknowledge_view(request, pk=None):
    return HttpResponse(status=501)


def circular_word(request, pk=None):
    return HttpResponse(status=501)

