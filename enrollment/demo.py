"""Demo material for `idp demo`: a test passport PKI trusted by the CSCA
store, and a synthetic passport of a citizen abroad who is in the embedded
register but has no account yet, so a newcomer can enroll from a phone-sized
browser window with `idp-reader --simulate`. Refused in production."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

DEMO_DIR = Path("var/enrollment")
# (pinfl, family, given, patronymic, family_cyr, given_cyr, patronymic_cyr, birth, sex, document, expiry)
ABROAD = ("40908921234566", "Nazarova", "Gulnora", "Baxtiyorovna", "Назарова", "Гулнора", "Бахтиёровна",
          dt.date(1992, 8, 9), "F", "FB4567890", dt.date(2032, 8, 8))


def _identity():
    from nfc.testing import Identity

    pinfl, family, given, _pat, _fc, _gc, _pc, birth, sex, number, expiry = ABROAD
    return Identity(surname=family.upper(), given_names=given.upper(), document_number=number,
                    date_of_birth=birth, date_of_expiry=expiry, sex=sex, personal_number=pinfl)


def _portrait() -> bytes | None:
    """A public-domain face (Grace Hopper, shipped with matplotlib) as a
    chip would hold it: small and strongly compressed."""
    try:
        import matplotlib.cbook as cbook
        from PIL import Image
    except ImportError:
        return None
    with cbook.get_sample_data("grace_hopper.jpg") as fh:
        image = Image.open(fh).convert("RGB")
    width, height = image.size
    face = image.crop((int(width * 0.2), int(height * 0.05), int(width * 0.8), int(height * 0.75)))
    face.thumbnail((240, 320))
    buffer = io.BytesIO()
    face.save(buffer, "JPEG", quality=60)
    return buffer.getvalue()


def prepare(directory: Path, csca_dir: Path, *, environment: str) -> dict:
    """Create (once) the test PKI and the passport file; trust the test CSCA."""
    if environment == "production":
        raise RuntimeError("demo passports are refused in production")
    from nfc import CscaDirectory, check_digit
    from nfc.testing import TestPKI, make_passport

    pki_dir = directory / "pki"
    if (pki_dir / "csca.pem").exists():
        pki = TestPKI.load(pki_dir)
    else:
        pki = TestPKI.create()
        pki.save(pki_dir)
    store = CscaDirectory(csca_dir)
    store.import_bytes(pki.csca_der, source="idp demo test PKI")
    store.import_bytes(pki.crl(), source="idp demo test PKI")
    identity = _identity()
    passport_path = directory / f"passport-{identity.document_number}.json"
    if not passport_path.exists():
        make_passport(pki, identity, portrait=_portrait()).save(passport_path)
    mrz = lambda value: value.strftime("%y%m%d")  # noqa: E731
    return {
        "passport": str(passport_path.resolve()),
        "name": f"{ABROAD[2]} {ABROAD[1]}",
        "document_number": identity.document_number,
        "fields": [(identity.document_number, check_digit(identity.document_number)),
                   (identity.date_of_birth.isoformat(), check_digit(mrz(identity.date_of_birth))),
                   (identity.date_of_expiry.isoformat(), check_digit(mrz(identity.date_of_expiry)))],
    }


def seed(session, *, environment: str) -> None:
    """The citizen abroad in the embedded register (no account), with the
    photo the register holds for the passport (Grace Hopper, from matplotlib:
    the same face as the demo chip's portrait, so a selfie shown as that
    photo matches on the register-photo route)."""
    if environment == "production":
        raise RuntimeError("demo data is refused in production")
    from idp.people.models import RegisterEntry

    pinfl, family, given, patronymic, family_cyr, given_cyr, patronymic_cyr, birth, sex, number, expiry = ABROAD
    if session.get(RegisterEntry, pinfl) is None:
        session.add(RegisterEntry(pinfl=pinfl, family_name=family, given_name=given, patronymic=patronymic,
                                  family_name_cyr=family_cyr, given_name_cyr=given_cyr,
                                  patronymic_cyr=patronymic_cyr, birth_date=birth, sex=sex, citizenship="UZB",
                                  document_number=number, document_expiry=expiry))
        session.flush()
    from idp.registry.models import RegisterPhoto
    from idp.registry.photos import sample_portrait

    if session.get(RegisterPhoto, number) is None:
        session.add(RegisterPhoto(document_number=number, pinfl=pinfl, media_type="image/jpeg",
                                  image=sample_portrait("grace_hopper")))


def instructions(info: dict, issuer: str) -> str:
    (number, cd1), (birth, cd2), (expiry, cd3) = info["fields"]
    return (f"Enroll from abroad (a phone-sized window is best): {issuer}/enroll/\n"
            f"  citizen abroad:  {info['name']}, passport {number} (check digit {cd1}), "
            f"born {birth} ({cd2}), valid until {expiry} ({cd3})\n"
            f"  passport chip:   {info['passport']}\n"
            f"  at the chip step run the page's command:\n"
            f"                   idp-reader --simulate {info['passport']} --upload ... --token ...\n"
            f"  e-mail codes:    {issuer}/dev/outbox\n"
            f"  then approve:    idp enrollment list; idp enrollment approve CASE_ID\n"
            f"                   (the activation link is e-mailed)\n"
            f"With a phone alone (no chip reader): at {issuer}/enroll/ choose 'With this phone alone',\n"
            f"  type the same passport details, press 'Check my passport' (the register holds a photo of\n"
            f"  Grace Hopper for it) and take the selfie; the case waits for an officer:\n"
            f"                   idp enrollment list; idp enrollment approve CASE_ID\n"
            f"  (or the consular portal). The account says proofing_method=remote_register_photo.\n")
