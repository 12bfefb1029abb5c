"""Lists come in pages: ?page=2, and ?page_size= up to MAX_PAGE_SIZE (PAGE_SIZE, 100, by default). A page past the end
is 404."""

from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 500


class ApiPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
