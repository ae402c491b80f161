from django.urls import path

from motcua.files import views as files_views
from motcua.office import views

app_name = "office"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("ho-so/<str:code>/", views.DossierView.as_view(), name="dossier"),
    path(
        "ho-so/<str:code>/giay-to/<int:component>/so-hoa/",
        files_views.DigitiseView.as_view(),
        name="digitise",
    ),
    path(
        "tep/<int:pk>/<str:name>", files_views.FileDownloadView.as_view(), name="file"
    ),
    path("dang-nhap/", views.OfficerLoginView.as_view(), name="login"),
    path("dang-xuat/", views.OfficerLogoutView.as_view(), name="logout"),
    path(
        "doi-mat-khau/",
        views.OfficerPasswordChangeView.as_view(),
        name="password-change",
    ),
]
