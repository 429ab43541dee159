"""ID numbers (GB 11643), unified social credit codes (GB 32100) and phone numbers."""

import datetime as dt

import pytest

from roster.identity import (
    IdentityError,
    mask_id_number,
    mask_phone,
    parse_id_number,
    validate_phone,
    validate_uscc,
)

# Published sample codes with correct check characters.
VALID_ID = "11010519491231002X"
VALID_USCC = "91350100M000100Y43"


def test_valid_id_number_gives_birth_date_and_sex():
    parsed = parse_id_number(VALID_ID)
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.sex == "F"  # the 17th digit (2) is even


def test_lower_case_x_is_accepted_and_normalised():
    assert parse_id_number(VALID_ID.lower()).value == VALID_ID


def test_full_width_and_ordinary_spaces_are_trimmed():
    assert parse_id_number(f"\u3000 {VALID_ID} ").value == VALID_ID


@pytest.mark.parametrize(
    "bad",
    [
        "110105194912310021",  # wrong check digit
        "11010519491231002",  # 17 characters
        "1101051949123100XX",  # X in the middle
        "110105194902300028",  # 30 February
        "",
    ],
)
def test_malformed_id_numbers_are_refused(bad):
    with pytest.raises(IdentityError):
        parse_id_number(bad)


def test_future_birth_date_is_refused():
    from roster.identity import id_check_char

    first17 = "11010520990101001"
    with pytest.raises(IdentityError):
        parse_id_number(first17 + id_check_char(first17))


def test_mask_keeps_area_and_last_four():
    assert mask_id_number("140402199001011237") == "140402********1237"


def test_mask_phone_keeps_prefix_and_last_four():
    assert mask_phone("13800138000") == "138****8000"


def test_valid_credit_code_passes():
    assert validate_uscc(VALID_USCC.lower()) == VALID_USCC


@pytest.mark.parametrize("bad", ["91350100M000100Y44", "91350100M000100Y4", "9135010OM000100Y43"])
def test_bad_credit_codes_are_refused(bad):
    with pytest.raises(IdentityError):
        validate_uscc(bad)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (13800138000, "13800138000"),
        (13800138000.0, "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0551-12345678", "0551-12345678"),
    ],
)
def test_phone_forms_are_normalised(raw, expected):
    assert validate_phone(raw) == expected


@pytest.mark.parametrize("bad", ["12345", "23800138000", "phone"])
def test_bad_phones_are_refused(bad):
    with pytest.raises(IdentityError):
        validate_phone(bad)
