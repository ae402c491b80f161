from django.urls import path

from motcua.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.ProcedureListView.as_view(), name="procedure-list"),
    path("<str:code>/", views.ProcedureDetailView.as_view(), name="procedure-detail"),
]
