"""``idp-reader``: read a passport chip and hand its data to an enrollment
case (docs/nfc-reader-upload.md).

    idp-reader --mrz-key FA1234567 900517 310101 --nonce 0011223344556677
    idp-reader --simulate passport.json --upload https://id.example/enroll/api/cases/42/chip --token T
"""

from __future__ import annotations

import base64
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

import click

from . import __version__
from .errors import AccessDenied, NfcError, TransportError, UploadFormatError
from .mrz import DocumentKey, parse_mrz
from .upload import encode_upload

EXIT_ACCESS_DENIED = 3
EXIT_TRANSPORT = 4
EXIT_UPLOAD = 5
_TIMEOUT = 20
_MAX_RESPONSE = 64 * 1024


def _check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise click.UsageError("--upload needs an https:// URL (http only for localhost)")
    return url.rstrip("/")


def _request(url: str, token: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if body is not None else "GET")
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Accept", "application/json")
    req.add_header("User-Agent", f"idp-reader/{__version__}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=_TIMEOUT) as resp:  # noqa: S310 - scheme checked
            raw = resp.read(_MAX_RESPONSE)
    except urllib.error.HTTPError as exc:
        detail = exc.read(_MAX_RESPONSE).decode("utf-8", "replace")
        raise UploadFormatError(f"server answered {exc.code}: {detail[:300]}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise UploadFormatError(f"cannot reach the server: {exc}") from None
    try:
        out = json.loads(raw or b"{}")
    except ValueError:
        raise UploadFormatError("server answer is not JSON") from None
    if not isinstance(out, dict):
        raise UploadFormatError("server answer is not a JSON object")
    return out


def fetch_nonce(url: str, token: str) -> bytes:
    answer = _request(url + "/challenge", token)
    value = answer.get("nonce")
    try:
        nonce = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        nonce = b""
    if len(nonce) != 8:
        raise UploadFormatError("server challenge is not an 8-byte hex nonce")
    return nonce


def _document_key(mrz: str | None, key: tuple[str, str, str] | None,
                  simulated) -> DocumentKey:
    if mrz:
        return parse_mrz(mrz).document_key()
    if key:
        return DocumentKey.from_fields(*key)
    if simulated is not None:
        return simulated.document_key
    raise click.UsageError("give --mrz or --mrz-key NUMBER BIRTH(YYMMDD) EXPIRY(YYMMDD)")


def _open(reader: str | None, simulate: str | None):
    if simulate:
        from .testing.chip import SoftwareChip
        from .testing.passport import SyntheticPassport

        passport = SyntheticPassport.load(simulate)
        return SoftwareChip(passport).transport(), passport, "simulator"
    from .reader.pcsc import PcscTransport

    return PcscTransport(reader), None, "pcsc"


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--reader", help="PC/SC reader name (substring); default: the first reader")
@click.option("--simulate", type=click.Path(exists=True, dir_okay=False),
              help="read a synthetic passport file instead of a chip (test only)")
@click.option("--mrz", help="the full MRZ (two or three lines)")
@click.option("--mrz-key", nargs=3, metavar="NUMBER BIRTH EXPIRY",
              help="document number, birth date and expiry date (YYMMDD)")
@click.option("--nonce", help="8-byte Active Authentication nonce, 16 hex characters")
@click.option("--upload", "upload_url", help="chip endpoint of an enrollment case")
@click.option("--token", envvar="IDP_READER_TOKEN", help="case token (or IDP_READER_TOKEN)")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="write the JSON here (default: standard output)")
@click.option("--access", type=click.Choice(["auto", "pace", "bac"]), default="auto",
              show_default=True, help="access control: PACE when the chip offers it, else BAC")
@click.option("--list-readers", is_flag=True, help="list PC/SC readers and exit")
@click.version_option(__version__, prog_name="idp-reader")
def cli(reader, simulate, mrz, mrz_key, nonce, upload_url, token, output, access,
        list_readers):
    """Read an ePassport chip over PACE or BAC and secure messaging."""
    if list_readers:
        from .reader.pcsc import list_readers as names

        for name in names():
            click.echo(name)
        return
    if upload_url and not token:
        raise click.UsageError("--upload needs --token (or IDP_READER_TOKEN)")
    if not (mrz or mrz_key or simulate):
        raise click.UsageError("give --mrz or --mrz-key NUMBER BIRTH(YYMMDD) EXPIRY(YYMMDD)")
    url = _check_url(upload_url) if upload_url else None
    nonce_bytes = None
    if nonce:
        try:
            nonce_bytes = bytes.fromhex(nonce)
        except ValueError:
            nonce_bytes = b""
        if len(nonce_bytes) != 8:
            raise click.UsageError("--nonce must be 16 hexadecimal characters")
    elif url:
        nonce_bytes = fetch_nonce(url, token)
    transport, simulated, kind = _open(reader, simulate)
    try:
        from .reader.passport_reader import PassportReader

        key = _document_key(mrz, mrz_key, simulated)
        passport_reader = PassportReader(transport)
        chip = passport_reader.read(key, nonce=nonce_bytes, access=access)
    finally:
        transport.close()
    if nonce_bytes is None:
        payload = {"files": {k: base64.b64encode(v).decode() for k, v in chip.files.items()}}
    else:
        payload = encode_upload(chip, reader={
            "software": f"idp-reader/{__version__}", "transport": kind,
            "access_control": passport_reader.access_control or ""})
    if url:
        answer = _request(url, token, payload)
        click.echo(json.dumps(answer), err=True)
        return
    text = json.dumps(payload, indent=1)
    if output == "-":
        click.echo(text)
    else:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")


def main(argv: list[str] | None = None) -> int:
    """Console entry point; returns the exit code."""
    try:
        cli.main(args=argv, prog_name="idp-reader", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        click.echo("aborted", err=True)
        return 1
    except AccessDenied as exc:
        click.echo(f"error: access denied: {exc} (check the MRZ)", err=True)
        return EXIT_ACCESS_DENIED
    except TransportError as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_TRANSPORT
    except UploadFormatError as exc:
        click.echo(f"error: upload: {exc}", err=True)
        return EXIT_UPLOAD
    except NfcError as exc:
        click.echo(f"error: {exc.code}: {exc}", err=True)
        return 1
    except OSError as exc:
        click.echo(f"error: {exc}", err=True)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
