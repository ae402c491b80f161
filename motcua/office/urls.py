from django.urls import path

from motcua.office import processing, views

app_name = "office"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("ho-so/<str:code>/", views.DossierView.as_view(), name="dossier"),
    path(
        "ho-so/<str:code>/xu-ly/<slug:action>/",
        processing.ActionView.as_view(),
        name="action",
    ),
    path("phe-duyet/", processing.ApprovalQueueView.as_view(), name="approvals"),
    path("dang-nhap/", views.OfficerLoginView.as_view(), name="login"),
    path("dang-xuat/", views.OfficerLogoutView.as_view(), name="logout"),
    path(
        "doi-mat-khau/",
        views.OfficerPasswordChangeView.as_view(),
        name="password-change",
    ),
]
