// MFGPlot
