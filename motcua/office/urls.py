from django.urls import path

from motcua.office import supervision, views

app_name = "office"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("ho-so/<str:code>/", views.DossierView.as_view(), name="dossier"),
    path("dang-nhap/", views.OfficerLoginView.as_view(), name="login"),
    path("dang-xuat/", views.OfficerLogoutView.as_view(), name="logout"),
    path(
        "doi-mat-khau/",
        views.OfficerPasswordChangeView.as_view(),
        name="password-change",
    ),
    path("giam-sat/", supervision.SupervisionView.as_view(), name="supervision"),
    path(
        "giam-sat/<slug:kind>/",
        supervision.SupervisionListView.as_view(),
        name="supervision-list",
    ),
]
