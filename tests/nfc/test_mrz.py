"""MRZ parsing and check digits (ICAO 9303 Parts 3, 4 and 5). The specimen
MRZs are the ones printed in Parts 4 and 5."""

from __future__ import annotations

import datetime as dt

import pytest

from nfc.errors import CheckDigitError, MRZError
from nfc.mrz import DocumentKey, build_td3, check_digit, parse_mrz

TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
       "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
TD1 = ("I<UTOD231458907<<<<<<<<<<<<<<<\n"
       "7408122F1204159UTO<<<<<<<<<<<6\n"
       "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")


def test_check_digit_weights_731():
    assert check_digit("L898902C3") == "6"
    assert check_digit("740812") == "2"
    assert check_digit("120415") == "9"
    assert check_digit("<<<<") == "0"


def test_td3_fields():
    mrz = parse_mrz(TD3)
    assert (mrz.format, mrz.document_code, mrz.issuing_state) == ("TD3", "P", "UTO")
    assert mrz.document_number == "L898902C3"
    assert (mrz.surname, mrz.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert mrz.nationality == "UTO" and mrz.sex == "F"
    assert mrz.birth_date(today=dt.date(2024, 1, 1)) == dt.date(1974, 8, 12)
    assert mrz.expiry_date() == dt.date(2012, 4, 15)
    assert mrz.optional_data == "ZE184226B"


def test_td1_fields():
    mrz = parse_mrz(TD1)
    assert mrz.format == "TD1" and mrz.document_code == "I"
    assert mrz.document_number == "D23145890"
    assert mrz.surname == "ERIKSSON"


def test_td1_long_document_number():
    # Part 5: a number longer than nine characters continues in the optional
    # data, its check digit after it, and '<' in the check digit position.
    number = "D23145890123"
    line1 = ("I<UTO" + number[:9] + "<" + number[9:] + check_digit(number) + "<").ljust(30, "<")
    line2_body = "7408122F1204159UTO" + "<" * 11
    composite = check_digit(line1[5:30] + line2_body[0:7] + line2_body[8:15] + line2_body[18:29])
    mrz = parse_mrz("\n".join([line1, line2_body + composite, "ERIKSSON<<ANNA" + "<" * 16]))
    assert mrz.document_number == number


@pytest.mark.parametrize("position", [9, 19, 27, 42, 43])
def test_each_check_digit_is_verified(position):
    line1, line2 = TD3.split("\n")
    wrong = str((int(line2[position]) + 1) % 10) if line2[position].isdigit() else "1"
    bad = line2[:position] + wrong + line2[position + 1:]
    with pytest.raises(CheckDigitError):
        parse_mrz(line1 + "\n" + bad)


def test_check_digits_can_be_left_unverified():
    line1, line2 = TD3.split("\n")
    mrz = parse_mrz(line1 + "\n" + line2[:9] + "0" + line2[10:], verify_check_digits=False)
    assert mrz.document_number == "L898902C3"


@pytest.mark.parametrize("text", ["", "P<UTO", "x" * 88, TD3.replace("A", "a"),
                                  TD3.replace("7408122", "7413322")])
def test_malformed_mrz_is_refused(text):
    with pytest.raises(MRZError):
        parse_mrz(text)


def test_single_line_input_is_split():
    assert parse_mrz(TD3.replace("\n", "")).document_number == "L898902C3"


def test_document_key_from_fields_and_matching():
    key = DocumentKey.from_fields("fa 1234567", dt.date(1990, 5, 17), dt.date(2031, 1, 1))
    assert key.mrz_information() == "FA12345673900517" + check_digit("900517") + "310101" \
        + check_digit("310101")
    assert "FA1234567" not in repr(key)


def test_build_td3_round_trips():
    text = build_td3(issuing_state="UZB", surname="Karimov", given_names="Aziz Bek",
                     document_number="FA1234567", nationality="UZB", date_of_birth="900115",
                     sex="M", date_of_expiry="300101", optional_data="31501901234567")
    mrz = parse_mrz(text)
    assert (mrz.surname, mrz.given_names, mrz.optional_data) == ("KARIMOV", "AZIZ BEK",
                                                                 "31501901234567")
    assert DocumentKey("FA1234567", "900115", "300101").matches(mrz)


def test_birth_dates_never_lie_in_the_future():
    text = build_td3(issuing_state="UZB", surname="A", given_names="B", document_number="AA0000001",
                     nationality="UZB", date_of_birth="300101", sex="F", date_of_expiry="350101")
    assert parse_mrz(text).birth_date(today=dt.date(2026, 1, 1)) == dt.date(1930, 1, 1)


def test_repr_has_no_personal_data():
    assert "ERIKSSON" not in repr(parse_mrz(TD3))
