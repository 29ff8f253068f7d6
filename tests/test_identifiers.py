"""The safe-identifier rules: each one accepts the safe form and catches a bad one."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from datawithcare.identifiers import (
    find_unsafe_identifiers,
    is_safe_email,
    is_safe_phone,
    nhs_number_is_valid,
    ni_number_could_be_valid,
    phone_range_is_safe,
)


def nhs_check(nine: str) -> int:
    """The check digit by the NHS rule, written out independently (10 = none)."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(nine))
    check = 11 - total % 11
    return 0 if check == 11 else check


# -- phones ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "07700 900000",
        "07700 900999",
        "07700900123",
        "+44 7700 900123",
        "+447700900123",
        "0044 7700 900123",
        "020 7946 0000",
        "020 7946 0999",
        "(020) 7946 0123",
        "+44 (0)20 7946 0500",
        "01632 960000",
        "0161 496 0000",  # Manchester's drama range (issue 15: the second profile uses it)
        "0161 496 0999",
        "+44 161 496 0123",
        "0113 496 0500",  # Leeds
        "0191 498 0001",  # Tyneside
        "029 2018 0999",  # Cardiff
    ],
)
def test_drama_range_phones_are_safe(number):
    assert is_safe_phone(number)


@pytest.mark.parametrize(
    "number",
    [
        "07700 899999",  # just below the mobile range
        "07700 901000",  # just above it
        "07911 123456",  # an ordinary mobile number
        "020 7946 1000",  # just above the 020 range
        "020 7123 4567",
        "0161 496 1000",  # just above the Manchester range
        "0161 495 9999",  # just below it
        "0191 496 0000",  # Tyneside's range is 498, not 496
        "+44 7911 123456",
        "not a number",
        "",
    ],
)
def test_phones_outside_the_ranges_are_not_safe(number):
    assert not is_safe_phone(number)


@pytest.mark.parametrize(
    ("prefix", "digits", "safe"),
    [
        ("07700 900", 3, True),
        ("020 7946 0", 3, True),
        ("0161 496 0", 3, True),
        ("0161 496 0", 2, False),  # too short to be a phone number
        ("0161 496", 4, False),  # 0161 496 1000 and above are real numbers
        ("07700 90", 4, False),
        ("07911 123", 3, False),
    ],
)
def test_a_profile_phone_range_must_lie_inside_a_drama_range(prefix, digits, safe):
    assert phone_range_is_safe(prefix, digits) is safe


def test_is_safe_phone_rejects_non_text():
    assert not is_safe_phone(7700900123)  # type: ignore[arg-type]
    assert not is_safe_phone(None)  # type: ignore[arg-type]


# -- e-mail ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "amira@example.org",
        "a.b@example.com",
        "x@example.net",
        "y@mail.example",
        "z@post.test",
        "w@sub.example.org",
    ],
)
def test_reserved_domains_are_safe(address):
    assert is_safe_email(address)


@pytest.mark.parametrize(
    "address",
    [
        "amira@gmail.com",
        "someone@example.org.uk",  # a real, registrable domain
        "someone@notexample.org",  # not under example.org
        "someone@example.org.evil.com",
        "no-at-sign.example.org",
        "two@@example.org",
        "@example.org",
    ],
)
def test_other_domains_are_not_safe(address):
    assert not is_safe_email(address)


# -- NHS numbers ----------------------------------------------------------------


def test_a_valid_nhs_number_passes_the_check():
    assert nhs_number_is_valid("943 476 5919")
    assert nhs_number_is_valid("9434765919")
    assert nhs_number_is_valid("943-476-5919")


def test_a_wrong_check_digit_fails():
    assert not nhs_number_is_valid("943 476 5918")


def test_remainder_ten_is_always_invalid():
    # Find nine digits whose check would be 10: no final digit makes them valid.
    rnd = random.Random(1)
    while True:
        nine = "".join(rnd.choice("0123456789") for _ in range(9))
        if nhs_check(nine) == 10:
            break
    assert not any(nhs_number_is_valid(nine + str(d)) for d in range(10))


def test_exactly_one_final_digit_is_valid_otherwise():
    rnd = random.Random(2)
    for _ in range(300):
        nine = "".join(rnd.choice("0123456789") for _ in range(9))
        valid = [d for d in range(10) if nhs_number_is_valid(nine + str(d))]
        expected = [] if nhs_check(nine) == 10 else [nhs_check(nine)]
        assert valid == expected


@pytest.mark.parametrize("text", ["943476591", "94347659190", "94347659AB", "", None, 9434765919])
def test_nhs_check_rejects_wrong_shapes(text):
    assert not nhs_number_is_valid(text)


# -- NI numbers -----------------------------------------------------------------


def test_hmrc_example_prefix_cannot_be_valid():
    assert not ni_number_could_be_valid("QQ 12 34 56 A")
    assert not ni_number_could_be_valid("QQ123456C")


def test_a_possible_ni_number_is_flagged():
    assert ni_number_could_be_valid("AB123456C")
    assert ni_number_could_be_valid("ab 12 34 56 d")


@pytest.mark.parametrize("letter", list("DFIQUV"))
def test_letters_never_used_in_either_place(letter):
    assert not ni_number_could_be_valid(f"{letter}A123456A")
    assert not ni_number_could_be_valid(f"A{letter}123456A")


@pytest.mark.parametrize("prefix", ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ", "AO"])
def test_prefixes_never_used(prefix):
    assert not ni_number_could_be_valid(f"{prefix}123456A")


@pytest.mark.parametrize("text", ["AB123456E", "AB12345C", "A1123456C", "", None])
def test_ni_wrong_shapes(text):
    assert not ni_number_could_be_valid(text)


# -- scanning text ----------------------------------------------------------------


SAFE_TEXT = """client_id,phone,email,nhs_number,ni_number
C00001,07700 900492,mihai.munteanu@example.org,9990835364,QQ123456A
C00002,+44 20 7946 0123,h.g@post.test,999 083 5364,QQ 65 43 21 D
Sessions on 2024-01-08 and 2024-01-15; 12 people; case K000123; score 0.5.
"""


def test_safe_text_has_no_findings():
    assert not nhs_number_is_valid("9990835364")  # the samples really are failing numbers
    assert find_unsafe_identifiers(SAFE_TEXT) == []


@pytest.mark.parametrize(
    "bad",
    [
        "07911 123456",
        "07911123456",
        "+44 7911 123456",
        "020 7123 4567",
        "(020) 7123 4567",
        "amira.hassan@gmail.com",
        "someone@charity.org.uk",
        "943 476 5919",
        "9434765919",
        "AB 12 34 56 C",
        "AB123456C",
    ],
)
def test_each_kind_of_unsafe_identifier_is_found(bad):
    text = SAFE_TEXT + f"C00003,{bad},x\n"
    assert find_unsafe_identifiers(text) == [bad]


def test_findings_are_listed_once_in_order():
    text = "ring 07911 123456 or mail a@gmail.com, again 07911 123456"
    assert find_unsafe_identifiers(text) == ["07911 123456", "a@gmail.com"]


def test_scanner_needs_text():
    with pytest.raises(TypeError, match="needs text"):
        find_unsafe_identifiers(b"07911 123456")  # type: ignore[arg-type]


# -- properties over many numbers -------------------------------------------------


@given(st.integers(0, 999))
def test_every_number_in_the_drama_ranges_is_safe(tail):
    assert is_safe_phone(f"07700 900{tail:03d}")
    assert is_safe_phone(f"020 7946 0{tail:03d}")
    assert find_unsafe_identifiers(f"Phone: 07700 900{tail:03d}, office 020 7946 0{tail:03d}.") == []


@given(st.integers(0, 999_999).filter(lambda n: not 900_000 <= n <= 900_999))
def test_other_07700_numbers_are_found(number):
    text = f"Call 07700 {number:06d} today"
    assert find_unsafe_identifiers(text) == [f"07700 {number:06d}"]


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_the_generator_rule_for_nhs_numbers_always_fails_the_check(nine):

    from datawithcare.generator.tables import make_nhs_numbers

    numbers = make_nhs_numbers(np.random.default_rng(int(nine)), 50, "999")
    assert not any(nhs_number_is_valid(str(n)) for n in numbers)
    # And the check is not trivially false: changing the last digit can make it pass.
    valid = [d for d in range(10) if nhs_number_is_valid(nine + str(d))]
    assert len(valid) == (0 if nhs_check(nine) == 10 else 1)


@pytest.mark.parametrize(
    "text",
    [
        "2023-01-02 2023-02-12",
        "opened 2024-03-01 2024-05-02 closed",
        "01/02/2023 02/03/2023",
        "10:15 2023-01-02",
    ],
)
def test_dates_side_by_side_are_not_phone_numbers(text: str) -> None:
    assert find_unsafe_identifiers(text) == []


def test_a_real_looking_phone_between_dates_is_still_found() -> None:
    found = find_unsafe_identifiers("2023-01-02 call 020 7123 4567 2023-02-12")
    assert any("7123" in item for item in found)
