"""Check that phone numbers, e-mail addresses and ID numbers reach nobody.

The course data is made up, but a made-up phone number can still ring a
real person. So every identifier in the course comes from a range that
is kept for fiction or can never be issued:

* phones from Ofcom's drama ranges: 07700 900000-900999 (mobile),
  01632 960000-960999 (no area), and a range of 1,000 numbers in each
  of twelve big cities, such as 020 7946 0000-0999 (London) and
  0161 496 0000-0999 (Manchester);
* e-mail addresses on names reserved by RFC 2606 (example.org, .com,
  .net, and the .example, .test, .invalid and .localhost endings);
* NHS numbers whose check digit is wrong, so they cannot be real;
* National Insurance numbers with a prefix HMRC never issues (QQ).

:func:`find_unsafe_identifiers` scans any text (a CSV file, a notebook's
output) and returns every identifier that breaks these rules.
"""

from __future__ import annotations

import re

__all__ = [
    "find_unsafe_identifiers",
    "is_safe_email",
    "phone_range_is_safe",
    "is_safe_phone",
    "ni_number_could_be_valid",
    "nhs_number_is_valid",
]

#: Ofcom ranges for drama, as (first, last) national numbers without spaces.
#: Source: Ofcom, "TV and radio drama telephone numbers"
#: (https://www.ofcom.org.uk/phones-and-broadband/phone-numbers/numbers-for-drama).
#: The Northern Ireland range is left out: sources disagree about it.
SAFE_PHONE_RANGES = (
    ("07700900000", "07700900999"),  # mobile
    ("01632960000", "01632960999"),  # no real area
    ("02079460000", "02079460999"),  # London
    ("01134960000", "01134960999"),  # Leeds
    ("01144960000", "01144960999"),  # Sheffield
    ("01154960000", "01154960999"),  # Nottingham
    ("01164960000", "01164960999"),  # Leicester
    ("01174960000", "01174960999"),  # Bristol
    ("01184960000", "01184960999"),  # Reading
    ("01214960000", "01214960999"),  # Birmingham
    ("01314960000", "01314960999"),  # Edinburgh
    ("01414960000", "01414960999"),  # Glasgow
    ("01514960000", "01514960999"),  # Liverpool
    ("01614960000", "01614960999"),  # Manchester
    ("01914980000", "01914980999"),  # Tyneside, Durham and Sunderland
    ("02920180000", "02920180999"),  # Cardiff
)
#: Domains reserved by RFC 2606: the domain itself or anything under it.
RESERVED_DOMAINS = ("example.org", "example.com", "example.net")
#: Top-level names reserved by RFC 2606.
RESERVED_TLDS = ("example", "test", "invalid", "localhost")

_NI_BAD_LETTERS = set("DFIQUV")
_NI_BAD_PAIRS = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _national_phone(text: str) -> str | None:
    """The UK national form (0 then digits) of a phone number, or None."""
    if not isinstance(text, str):
        return None
    stripped = text.strip()
    digits = _digits(stripped)
    if stripped.startswith("+44") or stripped.startswith("0044"):
        digits = digits[2:] if stripped.startswith("+44") else digits[4:]
        # "+44 (0)20 ..." keeps a 0 that must not be doubled.
        digits = "0" + digits.removeprefix("0")
    if not digits.startswith("0") or len(digits) not in (10, 11):
        return None
    return digits


def is_safe_phone(text: str) -> bool:
    """True if ``text`` is a UK phone number inside an Ofcom drama range.

    >>> is_safe_phone("07700 900123")
    True
    >>> is_safe_phone("+44 20 7946 0999")
    True
    >>> is_safe_phone("07700 901000")
    False
    """
    national = _national_phone(text)
    if national is None or len(national) != 11:
        return False
    return any(low <= national <= high for low, high in SAFE_PHONE_RANGES)


def phone_range_is_safe(prefix: str, digits: int) -> bool:
    """True if every number ``prefix`` followed by ``digits`` more digits is in a drama range.

    This is how the generator checks a profile's ``phone_ranges`` before it
    makes a single number.

    >>> phone_range_is_safe("0161 496 0", 3)
    True
    >>> phone_range_is_safe("0161 496 1", 3)
    False
    """
    start = _digits(prefix)
    if not isinstance(digits, int) or digits < 0 or len(start) + digits != 11:
        return False
    low, high = start + "0" * digits, start + "9" * digits
    return any(first <= low and high <= last for first, last in SAFE_PHONE_RANGES)


def is_safe_email(text: str) -> bool:
    """True if ``text`` is an e-mail address on a domain reserved for examples.

    >>> is_safe_email("amira.hassan@example.org")
    True
    >>> is_safe_email("amira@gmail.com")
    False
    """
    if not isinstance(text, str) or text.count("@") != 1:
        return False
    local, domain = text.strip().rsplit("@", 1)
    domain = domain.lower().rstrip(".")
    if not local or not domain:
        return False
    if any(domain == d or domain.endswith("." + d) for d in RESERVED_DOMAINS):
        return True
    return domain.rsplit(".", 1)[-1] in RESERVED_TLDS


def nhs_number_is_valid(text: str) -> bool:
    """True if ``text`` is ten digits that pass the NHS modulus-11 check.

    Multiply the first nine digits by 10, 9, ... 2 and add them up; take
    the remainder after dividing by 11 away from 11. That is the check
    digit, except that 11 means 0 and 10 means the number is invalid.
    Spaces and hyphens are ignored.

    >>> nhs_number_is_valid("943 476 5919")
    True
    >>> nhs_number_is_valid("943 476 5918")
    False
    """
    if not isinstance(text, str):
        return False
    compact = re.sub(r"[\s-]", "", text.strip())
    if len(compact) != 10 or not compact.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(compact[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(compact[9])


def ni_number_could_be_valid(text: str) -> bool:
    """True if ``text`` has the shape of a National Insurance number HMRC could issue.

    Two letters, six digits, and a final letter A-D. The first letter is
    never D, F, I, Q, U or V; the second is never those or O; and the
    pairs BG, GB, KN, NK, NT, TN and ZZ are never used. Spaces are ignored.

    >>> ni_number_could_be_valid("QQ 12 34 56 A")
    False
    >>> ni_number_could_be_valid("AB123456C")
    True
    """
    if not isinstance(text, str):
        return False
    compact = re.sub(r"\s", "", text.strip()).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{6}[A-D]", compact):
        return False
    first, second = compact[0], compact[1]
    if first in _NI_BAD_LETTERS or second in _NI_BAD_LETTERS or second == "O":
        return False
    return compact[:2] not in _NI_BAD_PAIRS


# Phone-like: +44 or 0, then digits with spaces, hyphens or brackets between.
_PHONE = re.compile(
    # Not inside a longer run of digits and dashes: two dates side by side
    # ("2023-01-02 2023-02-12") must not read as a phone number.
    r"(?<![\w.+/:-])(?:(?:\+|00)44[\s-]?(?:\(0\)[\s-]?)?|\(?0)\d(?:\)?[\s-]?\(?\d){8,9}(?![\w./:-])"
)
_EMAIL = re.compile(
    r"[\w.+'-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}|[\w.+'-]+@(?:[A-Za-z0-9-]+\.)*(?:localhost)", re.ASCII
)
_NHS = re.compile(r"(?<![\w.])\d{3}[\s-]?\d{3}[\s-]?\d{4}(?![\w.])")
_NI = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-Da-d](?![A-Za-z0-9])")


def find_unsafe_identifiers(text: str) -> list[str]:
    """Return every identifier in ``text`` that could reach or describe a real person.

    It looks for UK phone numbers outside the Ofcom drama ranges, e-mail
    addresses outside the reserved domains, ten-digit numbers that pass
    the NHS check digit, and National Insurance numbers that HMRC could
    issue. Each finding is returned as it appears in the text, once, in
    the order found. An empty list means nothing unsafe was found.

    >>> find_unsafe_identifiers("Call 07700 900123 or mail a@example.org")
    []
    >>> find_unsafe_identifiers("Call 07911 123456")
    ['07911 123456']
    """
    if not isinstance(text, str):
        raise TypeError(f"find_unsafe_identifiers needs text (a str); got {type(text).__name__}.")
    found: list[str] = []

    def add(value: str) -> None:
        if value not in found:
            found.append(value)

    spans: list[tuple[int, int]] = []
    for match in _PHONE.finditer(text):
        value = match.group(0)
        spans.append(match.span())
        if _national_phone(value) is not None and not is_safe_phone(value):
            add(value)
    for match in _EMAIL.finditer(text):
        if not is_safe_email(match.group(0)):
            add(match.group(0))
    for match in _NHS.finditer(text):
        start, end = match.span()
        if any(s <= start < e or s < end <= e for s, e in spans):
            continue  # already judged as a phone number
        if nhs_number_is_valid(match.group(0)):
            add(match.group(0))
    for match in _NI.finditer(text):
        if ni_number_could_be_valid(match.group(0)):
            add(match.group(0))
    return found
