"""The people of the consular tests."""

AZIZ = "31503901234567"  # seeded by `idp demo`: an account with a password, no consular role
PASSWORD = "demo-password-2026"
# (pinfl, given, family, email)
STAFF = {
    "officer": ("31105851234561", "Sardor", "Aliyev", "officer@consulate.example"),
    "officer2": ("30304881234563", "Jasur", "Karimov", "officer2@consulate.example"),
    "supervisor": ("41708801234562", "Nilufar", "Qodirova", "supervisor@consulate.example"),
    "supervisor2": ("42211791234564", "Gulnora", "Saidova", "supervisor2@consulate.example"),
    "istanbul": ("31212901234565", "Timur", "Rashidov", "istanbul@consulate.example"),
}
ROLES = {"officer": ("MOW", "officer"), "officer2": ("MOW", "officer"), "supervisor": ("MOW", "supervisor"),
         "supervisor2": ("MOW", "supervisor"), "istanbul": ("IST", "supervisor")}
# People in the register without an account, for remote cases and desk visits:
# (pinfl, family, given, birth, sex, passport)
CITIZENS = [
    ("31506921234571", "Ergashev", "Bekzod", "1992-06-15", "M", "FA1000001"),
    ("42003941234572", "Nazarova", "Shahnoza", "1994-03-20", "F", "FA1000002"),
    ("30110881234573", "Umarov", "Rustam", "1988-10-01", "M", "FA1000003"),
    ("41405961234574", "Yuldasheva", "Kamola", "1996-05-14", "F", "FA1000004"),
    ("32507851234575", "Hasanov", "Otabek", "1985-07-25", "M", "FA1000005"),
    ("40909991234576", "Mirzayeva", "Zarina", "1999-09-09", "F", "FA1000006"),
]
