import Testing
@testable import MFGProblem
