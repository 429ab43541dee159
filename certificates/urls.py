"""Certificate pages for staff (holders' roster) and trainees (my certificates)."""

from django.urls import path

from .views import batches, holders, items, mine, windows

app_name = "certificates"

urlpatterns = [
    path("holders/", holders.holders, name="holders"),
    path("holders/export.xlsx", holders.holders_export, name="holders_export"),
    path("batches/", batches.batch_create, name="batch_create"),
    path("batches/<int:pk>/", batches.batch_detail, name="batch"),
    path("batches/<int:pk>/download/", batches.batch_download, name="batch_download"),
    path("jobs/<int:pk>/operation-item/", items.operation_item, name="operation_item"),
    path("mine/", mine.mine, name="mine"),
    path("notifications/", mine.notifications, name="notifications"),
    path("notifications/read/", mine.notifications_read, name="notifications_read"),
    path("people/<int:pk>/", windows.person_windows_page, name="person_windows"),
    path("people/<int:pk>/practical/", windows.practical_exam_add, name="practical_add"),
    path("people/<int:pk>/health/", windows.health_check_add, name="health_add"),
    path("<int:pk>/", holders.certificate_detail, name="detail"),
    path("<int:pk>/pdf/", mine.certificate_pdf, name="pdf"),
]
