"""STUB: to be written."""

from django.http import HttpResponse


def inspection_list(request, pk=None):
    return HttpResponse(status=501)


def inspection_create(request, pk=None):
    return HttpResponse(status=501)


def coverage(request, pk=None):
    return HttpResponse(status=501)


def group_list(request, pk=None):
    return HttpResponse(status=501)


def group_create(request, pk=None):
    return HttpResponse(status=501)


def group_edit(request, pk=None):
    return HttpResponse(status=501)


def inspection_detail(request, pk=None):
    return HttpResponse(status=501)


def inspection_edit(request, pk=None):
    return HttpResponse(status=501)


def inspection_finalise_view(request, pk=None):
    return HttpResponse(status=501)


def finding_create(request, pk=None):
    return HttpResponse(status=501)


def finding_edit(request, pk=None):
    return HttpResponse(status=501)


def finding_delete_view(request, pk=None):
    return HttpResponse(status=501)


def notice_create(request, pk=None):
    return HttpResponse(status=501)


def notice_detail(request, pk=None):
    return HttpResponse(status=501)


def notice_word(request, pk=None):
    return HttpResponse(status=501)

