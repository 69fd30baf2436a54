"""The officer's side of a desk visit, page by page, and the desk reader."""
from __future__ import annotations

import re

from nfc import ChipData, encode_upload
from nfc.testing import aa_sign


def upload_for(passport, nonce: bytes) -> dict:
    signature = aa_sign(passport.aa_key, nonce, hash_name=passport.aa_hash) if passport.aa_key else None
    return encode_upload(ChipData(dict(passport.files), signature, nonce),
                         reader={"software": "test-reader/1", "transport": "simulator", "access_control": "BAC"})


class Desk:
    def __init__(self, officer, code: str = "MOW"):
        self.officer, self.code = officer, code
        self.base = f"/consular/officer/{code}"

    def arrive(self, reference: str) -> str:
        """Find the appointment by its reference and open the visit; the visit id."""
        page = self.officer.page(f"{self.base}/desk?ref={reference}&lang=en")
        action = re.search(r'action="([^"]+/arrive)"', page).group(1)
        response = self.officer.action(action, page=page)
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return response.headers["Location"].rstrip("/").split("/")[-1]

    def visit_page(self, visit: str) -> str:
        return self.officer.page(f"{self.base}/visits/{visit}?lang=en")

    def post(self, visit: str, what: str, data: dict | None = None, **kwargs):
        page = self.visit_page(visit)
        from consular_portal import csrf_in

        return self.officer.http.post(f"{self.base}/visits/{visit}/{what}",
                                      data={**(data or {}), "csrf_token": csrf_in(page)}, **kwargs)

    def record_passport(self, visit: str, citizen, *, checked: bool = True, number: str | None = None):
        _pinfl, _family, _given, birth, _sex, passport = citizen
        data = {"document_number": number or passport, "birth_date": birth, "expiry_date": "2032-01-31"}
        if checked:
            data["passport_checked"] = "y"
        return self.post(visit, "document", data)

    def start_reader(self, visit: str) -> dict:
        response = self.post(visit, "chip")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        command = re.search(r'id="reader-command">([^<]+)<', page).group(1)
        return {"token": command.split("--token ")[1].strip(),
                "endpoint": command.split("--upload ")[1].split()[0].replace("http://localhost", "")}

    def read_chip(self, visit: str, passport) -> dict:
        """As idp-reader does: challenge, read, answer the nonce, upload."""
        reader = self.start_reader(visit)
        auth = {"Authorization": f"Bearer {reader['token']}"}
        challenge = self.officer.http.get(reader["endpoint"] + "/challenge", headers=auth)
        assert challenge.status_code == 200, challenge.get_json()
        nonce = bytes.fromhex(challenge.get_json()["nonce"])
        response = self.officer.http.post(reader["endpoint"], json=upload_for(passport, nonce), headers=auth)
        assert response.status_code == 202, response.get_json()
        return response.get_json()

    def photo(self, visit: str, jpeg: bytes):
        import io

        return self.post(visit, "photo", {"photo": (io.BytesIO(jpeg), "photo.jpg", "image/jpeg")},
                         content_type="multipart/form-data")

    def approve(self, visit: str):
        return self.post(visit, "approve")

    def printed_code(self, response) -> str:
        assert response.status_code == 302 and response.headers["Location"].endswith("/code"), \
            (response.status_code, response.headers.get("Location"), response.get_data(as_text=True)[:300])
        page = self.officer.page(response.headers["Location"])
        assert 'id="code-qr"' in page and "data:image/svg+xml" in page
        return re.search(r'id="activation-code">([A-Z0-9-]+)<', page).group(1)
