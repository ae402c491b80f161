from django.urls import path

from motcua.indices import views

app_name = "indices"
urlpatterns = [
    path("", views.DashboardPageView.as_view(page="dashboard"), name="dashboard"),
    path("xep-hang/", views.DashboardPageView.as_view(page="ranking"), name="ranking"),
    path("xu-huong/", views.DashboardPageView.as_view(page="trends"), name="trends"),
    path("muc-tieu/", views.DashboardPageView.as_view(page="targets"), name="targets"),
    path(
        "han-xu-ly/",
        views.DashboardPageView.as_view(page="deadlines"),
        name="deadlines",
    ),
    path(
        "giai-thich/",
        views.DashboardPageView.as_view(page="explain"),
        name="explain",
    ),
    path(
        "xuat/<slug:page>/<slug:table>.xlsx", views.ExportView.as_view(), name="export"
    ),
    path("bao-cao-thang.pdf", views.MonthlyReportView.as_view(), name="report"),
]
