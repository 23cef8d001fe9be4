"""Arabic date formats: one way of writing a date, with or without its time.

Django's Arabic locale writes dates "4 أغسطس، 2021" but, lacking a date-time
format of its own, date-times in the English default "ديسمبر 6, 2026, 7:28 ص".
Here both read day, month name, year, and a date-time adds the 24-hour time
(no ص/م to misread). Formats not set here fall back to Django's Arabic ones.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، H:i"
TIME_FORMAT = "H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
