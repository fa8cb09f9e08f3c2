// MFGGrid
