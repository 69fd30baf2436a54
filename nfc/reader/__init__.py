"""Reading an eMRTD chip: APDUs, transports, BAC and secure messaging."""
