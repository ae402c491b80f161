from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "motcua.workdays"
    label = "workdays"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from motcua.agencies.models import Agency
        from motcua.workdays.models import CalendarOverride, OfficeHours
        from motcua.workdays.selectors import calendars

        # An agency's calendar inherits overrides and office hours from its ancestors.
        calendars.clear_on_change(CalendarOverride, OfficeHours, Agency)
