// MFGNeural
