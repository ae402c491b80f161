from django.urls import path

from motcua.files import views as files_views
from motcua.office import counter, processing, views

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
    # the one-stop counter (office.counter)
    path("quay/", counter.CounterHomeView.as_view(), name="counter-home"),
    path("quay/truc-tuyen/", counter.WaitingView.as_view(), name="counter-waiting"),
    path(
        "quay/tiep-nhan/<str:code>/",
        counter.IntakeView.as_view(),
        name="counter-intake",
    ),
    path(
        "quay/tiep-nhan/<str:code>/nguoi-nop/",
        counter.ApplicantLookupView.as_view(),
        name="counter-lookup",
    ),
    path(
        "quay/da-ghi/<str:code>/",
        counter.RecordedView.as_view(),
        name="counter-recorded",
    ),
    path(
        "quay/ho-so/<str:code>/<slug:slug>/",
        counter.CounterActionView.as_view(),
        name="counter-action",
    ),
]
