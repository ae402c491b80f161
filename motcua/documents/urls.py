from django.urls import path

from motcua.documents import views

app_name = "documents"
urlpatterns = [
    path("<str:code>/<slug:slip>.pdf", views.SlipView.as_view(), name="slip"),
]
