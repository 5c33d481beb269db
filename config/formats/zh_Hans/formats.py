# Dates as township staff type them: 2026-06-30, 2026/6/30, 2026年6月30日, 2026.6.30.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d"]

# How the portal shows dates (templates use |date and |date:"DATETIME_FORMAT", Python code
# core.dates): 2026-11-23 in tables and forms, 11月23日 09:30 for a moment; documents and
# printed forms write 2026年9月7日 (core.dates.long_date).
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "n月j日 H:i"
SHORT_DATETIME_FORMAT = "n月j日 H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
TIME_FORMAT = "H:i"
