"""Shared fixtures: a test PKI per key family, real face portraits, and
synthetic passports built from them."""

from __future__ import annotations

import io
import os

import pytest

from nfc.testing import Identity, TestPKI, make_passport, trust_store_for


def _jpeg(image, size=(300, 400), quality=85) -> bytes:
    from PIL import Image

    img = image if isinstance(image, Image.Image) else Image.fromarray(image)
    img = img.convert("RGB")
    w, h = img.size
    # portrait aspect ratio 3:4 around the centre of the face photo
    target_w = min(w, int(h * 3 / 4))
    left = (w - target_w) // 2
    img = img.crop((left, 0, left + target_w, h)).resize(size)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=quality)
    return out.getvalue()


@pytest.fixture(scope="session")
def astronaut_jpeg() -> bytes:
    from skimage import data

    return _jpeg(data.astronaut())


@pytest.fixture(scope="session")
def hopper_jpeg() -> bytes:
    from matplotlib import cbook
    from PIL import Image

    with cbook.get_sample_data("grace_hopper.jpg") as fh:
        return _jpeg(Image.open(fh))


@pytest.fixture(scope="session")
def pki() -> TestPKI:
    return TestPKI.create(country="UZ", csca_key="ec-p384", dsc_key="ec-p256")


@pytest.fixture(scope="session")
def store(pki):
    return trust_store_for(pki)


@pytest.fixture(scope="session")
def identity() -> Identity:
    return Identity(surname="Karimova", given_names="Dilnoza Bahodirovna",
                    document_number="FA7654321", personal_number="42305901234567")


@pytest.fixture(scope="session")
def passport(pki, identity, astronaut_jpeg):
    """A genuine passport: EC document signer, RSA-1024 Active Authentication."""
    return make_passport(pki, identity, portrait=astronaut_jpeg, aa_key="rsa-1024")


@pytest.fixture(scope="session")
def ec_passport(pki, identity, hopper_jpeg):
    """A genuine passport with ECDSA (brainpool, explicit parameters) AA."""
    return make_passport(pki, identity, portrait=hopper_jpeg, aa_key="ec-brainpool256",
                         explicit_ec_params=True)


@pytest.fixture
def nonce() -> bytes:
    return os.urandom(8)
