"""``idp esign ...``: the demo CA, signing a challenge from a script, and checking a signature."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import click

from .democa import ProductionRefusedError, create_demo_ca, refuse_in_production
from .pki import demo_password


@click.group("esign")
def esign() -> None:
    """E-signature keys (PKCS#12) for login."""


@esign.command("demo-ca")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write the demo CA, CRLs and .pfx key files to.")
@click.option("--password", default=None, help="Password for every demo .pfx (default: a random one).")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
def demo_ca(out_dir: Path, password: str | None, as_json: bool) -> None:
    """Create a demo national CA and demo citizens' e-signature keys (refused in production)."""
    try:
        refuse_in_production()
        manifest = create_demo_ca(out_dir, password=password or demo_password())
    except ProductionRefusedError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps({"out": str(out_dir), **manifest}, indent=2))
        return
    click.echo(f"Demo national CA written to {out_dir}")
    click.echo(f"  trust anchor: {out_dir / manifest['trust_anchors'][0]}")
    click.echo("  CRLs:         " + ", ".join(str(out_dir / c) for c in manifest["crls"]))
    click.echo(f"  .pfx password: {manifest['password']}")
    for holder in manifest["holders"]:
        org = f" for {holder['organisation']} (TIN {holder['tin']})" if holder["tin"] else ""
        click.echo(
            f"  {holder['pfx']:<28} {holder['surname']} {holder['given_name']}, "
            f"PINFL {holder['pinfl']}{org}, {holder['key']}, {holder['status']}"
        )


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password of the .pfx", hide_input=True, default="", show_default=False)


@esign.command("sign")
@click.option("--pfx", "pfx_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--challenge", required=True, help="The challenge text the server issued; its UTF-8 bytes are signed.")
@click.option("--password-stdin", is_flag=True, help="Read the .pfx password from the first line of standard input.")
@click.option("--hash", "hash_name", type=click.Choice(["sha256", "sha384", "sha512"]), default="sha256")
@click.option("--pss", is_flag=True, help="Sign with RSASSA-PSS instead of PKCS#1 v1.5 (RSA keys).")
@click.option("--detached", is_flag=True, help="Leave the challenge out of the CMS.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON with the CMS and the signer certificate serial.")
def sign(pfx_path: Path, challenge: str, password_stdin: bool, hash_name: str, pss: bool,
         detached: bool, as_json: bool) -> None:
    """Sign a login challenge with a .pfx key and print the CMS SignedData in base64."""
    from .signing import PfxError, load_pfx, sign_challenge

    password = _read_password(password_stdin)
    try:
        key_file = load_pfx(pfx_path.read_bytes(), password)
        cms = sign_challenge(challenge.encode("utf-8"), key_file, hash_name=hash_name, pss=pss, detached=detached)
    except (PfxError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    encoded = base64.b64encode(cms).decode("ascii")
    if as_json:
        click.echo(json.dumps({
            "cms": encoded,
            "certificate_serial": format(key_file.certificate.serial_number, "x"),
            "detached": detached,
        }))
    else:
        click.echo(encoded)


@esign.command("verify")
@click.option("--cms", "cms_file", required=True, type=click.File("r"), help="File with the base64 CMS, or - for stdin.")
@click.option("--challenge", required=True, help="The challenge text that was issued.")
@click.option("--trust", "anchors", required=True, multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Trusted national CA certificate file or directory (repeatable).")
@click.option("--crl", "crls", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="CRL file or directory (repeatable).")
@click.option("--ocsp/--no-ocsp", default=True, help="Ask the OCSP responder a certificate names.")
@click.option("--ocsp-timeout", default=3.0, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def verify(cms_file, challenge: str, anchors, crls, ocsp: bool, ocsp_timeout: float, as_json: bool) -> None:
    """Check a signed challenge the way the login does; exit 1 with the reason on failure."""
    from .cms import decode_cms
    from .crl import CrlStore
    from .errors import EsignError
    from .ocsp import OcspChecker
    from .trust import TrustStore
    from .verify import verify_signed_challenge

    try:
        result = verify_signed_challenge(
            decode_cms(cms_file.read()),
            expected_challenge=challenge.encode("utf-8"),
            trust_anchors=TrustStore.from_paths(anchors),
            crls=CrlStore.from_paths(crls),
            ocsp=OcspChecker(timeout=ocsp_timeout) if ocsp else None,
        )
    except EsignError as exc:
        if as_json:
            click.echo(json.dumps({"ok": False, "reason": exc.reason, "detail": exc.detail}))
        else:
            click.echo(f"refused: {exc.reason}: {exc.detail}", err=True)
        sys.exit(1)
    fields = {"ok": True, **result.log_fields(), "auth_method": result.auth_method}
    if as_json:
        click.echo(json.dumps(fields))
    else:
        for key, value in fields.items():
            click.echo(f"{key}: {value}")
