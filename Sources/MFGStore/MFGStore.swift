// MFGStore
