"""``python -m nfc.testing``: write a test PKI and synthetic passports for
demos and manual runs of ``idp-reader --simulate``. Refused in production."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import click

from .passport import Identity, make_passport
from .pki import TestPKI


@click.group()
def main() -> None:
    """Test-only eMRTD material."""


@main.command("make-pki")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--country", default="UZ", show_default=True)
def make_pki(directory: str, country: str) -> None:
    """Create a test CSCA and DSC; write keys, csca.pem, csca.crl, masterlist.der."""
    pki = TestPKI.create(country=country)
    pki.save(directory)
    path = Path(directory)
    (path / "csca.crl").write_bytes(pki.crl())
    (path / "masterlist.der").write_bytes(pki.master_list())
    click.echo(f"test PKI in {path}; trust it with: idp csca import {path / 'csca.pem'}")


@main.command("make-passport")
@click.argument("output", type=click.Path(dir_okay=False))
@click.option("--pki", "pki_dir", required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--portrait", type=click.Path(exists=True, dir_okay=False), help="JPEG face image")
@click.option("--surname", default="TESTOVA", show_default=True)
@click.option("--given-names", default="MALIKA", show_default=True)
@click.option("--document-number", default="FA1234567", show_default=True)
@click.option("--nationality", default="UZB", show_default=True)
@click.option("--birth-date", default="1990-05-17", show_default=True)
@click.option("--expiry-date", help="YYYY-MM-DD; default five years from today")
@click.option("--sex", default="F", type=click.Choice(["F", "M", "X"]), show_default=True)
@click.option("--personal-number", default="41705901234567", show_default=True)
@click.option("--aa-key", default="rsa-1024", show_default=True,
              help="rsa-1024, rsa-2048, ec-p256, ec-brainpool256, ... or none")
@click.option("--pace/--no-pace", default=True, show_default=True,
              help="offer PACE (EF.CardAccess) besides BAC")
def make_passport_cmd(output, pki_dir, portrait, surname, given_names, document_number,
                      nationality, birth_date, expiry_date, sex, personal_number, aa_key,
                      pace) -> None:
    """Write a synthetic passport file for idp-reader --simulate."""
    kwargs = {}
    if expiry_date:
        kwargs["date_of_expiry"] = _dt.date.fromisoformat(expiry_date)
    identity = Identity(surname=surname, given_names=given_names,
                        document_number=document_number, nationality=nationality,
                        issuing_state=nationality,
                        date_of_birth=_dt.date.fromisoformat(birth_date), sex=sex,
                        personal_number=personal_number or None, **kwargs)
    passport = make_passport(TestPKI.load(pki_dir), identity,
                             portrait=Path(portrait).read_bytes() if portrait else None,
                             aa_key=None if aa_key == "none" else aa_key, pace=pace)
    passport.save(output)
    click.echo(f"synthetic passport written to {output}")


if __name__ == "__main__":  # pragma: no cover
    main()
