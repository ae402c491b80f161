"""Vietnamese formats: dates written dd/mm/yyyy as on every official form (brief, rule 7).

Django's own ``vi`` locale writes short dates d-m-Y; administrative documents write d/m/Y.
"""

DATE_FORMAT = r"\N\gà\y d \t\há\n\g m \nă\m Y"
DATETIME_FORMAT = r"H \g\i\ờ i \p\hú\t, \n\gà\y d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "m/Y"
MONTH_DAY_FORMAT = "d/m"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 1
