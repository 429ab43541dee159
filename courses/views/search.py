"""Search over the published courses and warning cases (Wagtail's search backend)."""

from django.shortcuts import render

from courses.selectors import content_search


def search(request):
    # Published content only, the same pages anyone can open under /learn/.
    results = content_search(request.GET.get("q", ""))
    return render(request, "courses/search.html", {"results": results})
