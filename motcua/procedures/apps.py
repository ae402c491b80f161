from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "motcua.procedures"
    label = "procedures"
