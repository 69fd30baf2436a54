"""Step "document" by camera: the photo of the passport page goes to one
service call, and the document page comes back with the fields filled in
for the citizen to check, or with what to change in the photo. On the
register-photo route the face detector of the route's face comparer finds
the page portrait."""
from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l

from enrollment.forms import DocumentForm, ScanForm
from enrollment.services import scan
from enrollment.models import REGISTER_PHOTO
from enrollment.views.common import bp, db_session, limit, page, require_case, svc
from enrollment.views.routes import faces

log = logging.getLogger(__name__)

SCAN_MESSAGES = {
    "no_photo": _l("Choose or take a photo of the page first."),
    "image_unreadable": _l("This file is not a photo we can open. Take the photo again with the phone camera."),
    "image_too_large": _l("This photo is too large. Take it again with the phone camera, or choose a smaller one."),
    "image_too_small": _l("This photo is too small to read. Take it again closer to the page."),
    "too_dark": _l("The photo is too dark. Turn on a light or move to a window, and take it again."),
    "blurred": _l("The photo is blurred. Hold the phone still, let it focus on the page, and take it again."),
    "glare": _l("A reflection covers the lines at the bottom of the page. Tilt the passport away from the "
                "light, and take it again."),
    "mrz_not_found": _l("We could not find the two lines of letters and < at the bottom of the page. Lay the "
                        "open passport flat and fit the whole page with your photo in the frame."),
    "mrz_unreadable": _l("Some characters at the bottom of the page could not be read for certain. Come a "
                         "little closer, hold still, and take the photo again."),
    "mrz_inconsistent": _l("The lines at the bottom of the page did not read consistently. Take the photo "
                           "again, or type the fields below."),
    "not_a_passport": _l("This is not a passport page. Photograph the page of your passport with your photo."),
    "issuing_state_not_uzb": _l("This is not an Uzbek passport. Only passports of the Republic of Uzbekistan "
                                "can be used here."),
    "nationality_not_uzb": _l("The passport does not give Uzbek nationality. Only citizens of Uzbekistan can "
                              "enroll here."),
}


def scan_error(reasons) -> str:
    texts = [str(SCAN_MESSAGES.get(r, SCAN_MESSAGES["mrz_unreadable"])) for r in reasons]
    return " ".join(dict.fromkeys(texts)) or str(SCAN_MESSAGES["mrz_unreadable"])


def _detect_faces(rgb):
    """Faces in the portrait region (looked for again at twice the size when
    none is found: a portrait on a page photographed from afar is small);
    none when the face models cannot run (the scan still fills the fields,
    the officer compares the photos)."""
    try:
        detector = faces().analyzer.detector
        return detector.detect(rgb) or detector.detect(rgb, upsample=1)
    except Exception:  # noqa: BLE001
        log.exception("face detection on the page failed")
        return []


@bp.post("/document/scan", endpoint="document_scan")
def document_scan():
    case = require_case("document")
    form = ScanForm()
    if not form.validate_on_submit():
        return page("enrollment/document.html", case, 400, form=DocumentForm(formdata=None), scan_form=form,
                    error=scan_error(["no_photo"]), scan_error=True)
    limit("post_case", case.id)
    limit("scan_case", case.id)
    register_route = case.route == REGISTER_PHOTO
    read = scan.read_page(db_session(), case, form.photo.data.read(scan.MAX_SCAN_UPLOAD),
                          cipher=svc().cipher if register_route else None,
                          face_detector=_detect_faces if register_route else None)
    db_session().commit()  # the audit record of the scan (and what the register check needs)
    if not read.ok:
        return page("enrollment/document.html", case, 400, form=DocumentForm(formdata=None),
                    scan_form=ScanForm(formdata=None), error=scan_error(read.reasons), scan_error=True)
    return page("enrollment/document.html", case, form=DocumentForm(formdata=None, **read.form_data()),
                scan_form=ScanForm(formdata=None), scanned=read)
