"""CSCA trust store: trust anchors, CRLs, master lists and their on-disk form."""

from .directory import CscaDirectory, ImportResult, StoreEntry
from .masterlist import MasterList, verify_master_list
from .store import TrustStore

__all__ = ["CscaDirectory", "ImportResult", "MasterList", "StoreEntry", "TrustStore",
           "verify_master_list"]
