"""ICAO 9303 eMRTD library: MRZ, LDS parsing, passive and active
authentication, CSCA trust store, BAC reader and chip simulator."""
