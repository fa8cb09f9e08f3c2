// MFGProblem
