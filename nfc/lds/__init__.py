"""LDS elementary files (ICAO 9303 Part 10): decoders and encoders."""

from .com import EFCom, encode_com, parse_com
from .dg1 import DG1, encode_dg1, parse_dg1
from .dg2 import DG2, encode_dg2, parse_dg2
from .dg11 import DetailsFile, encode_details, parse_dg11, parse_dg12
from .dg14 import DG14, encode_dg14, parse_dg14
from .dg15 import DG15, encode_dg15, parse_dg15
from .face import FaceImage
from .files import (
    BY_NAME,
    DATA_GROUPS,
    EF_COM,
    EF_SOD,
    EMRTD_AID,
    EFInfo,
    by_name,
    data_group,
)
from .sod import SOD, parse_sod

__all__ = [
    "BY_NAME", "DATA_GROUPS", "DG1", "DG14", "DG15", "DG2", "EFCom", "EFInfo", "EF_COM",
    "EF_SOD", "EMRTD_AID", "DetailsFile", "FaceImage", "SOD", "by_name", "data_group",
    "encode_com", "encode_details", "encode_dg1", "encode_dg14", "encode_dg15",
    "encode_dg2", "parse_com", "parse_dg1", "parse_dg11", "parse_dg12", "parse_dg14",
    "parse_dg15", "parse_dg2", "parse_sod",
]
