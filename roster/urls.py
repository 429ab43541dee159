from django.urls import path

from .views import activation, directory, enterprises, imports, people, transfers

app_name = "roster"

urlpatterns = [
    path("", people.roster_list, name="list"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/status/", people.person_status, name="person_status"),
    path("transfers/", transfers.transfer_list, name="transfers"),
    path("transfers/<int:pk>/accept/", transfers.transfer_accept_view, name="transfer_accept"),
    path("transfers/<int:pk>/refuse/", transfers.transfer_refuse_view, name="transfer_refuse"),
    path("transfers/<int:pk>/cancel/", transfers.transfer_cancel_view, name="transfer_cancel"),
    path("import/", imports.roster_import, name="import"),
    path("export.xlsx", imports.roster_export, name="export"),
    path("activation-codes/", activation.activation_codes, name="activation_codes"),
    path("directory/enterprises/", directory.directory_enterprises, name="directory_enterprises"),
    path(
        "directory/enterprises/export.xlsx",
        directory.directory_enterprises_export,
        name="directory_enterprises_export",
    ),
    path("directory/regions/", directory.directory_regions, name="directory_regions"),
    path(
        "directory/regions/export.xlsx",
        directory.directory_regions_export,
        name="directory_regions_export",
    ),
    path("enterprises/", enterprises.enterprise_list_view, name="enterprise_list"),
    path("enterprises/<str:uscc>/", enterprises.enterprise_detail, name="enterprise_detail"),
]
