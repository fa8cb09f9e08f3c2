import Foundation
import Testing
import MFGMath

/// `mfg info`, `mfg --version` and the BLAS kernel restart, as a user sees them.
@Suite("mfg info")
struct InfoCommandTests {
    @Test func printsVersionBLASAndCPU() throws {
        let r = try CLI.run(["info"])
        #expect(r.status == 0, "\(r.stderr)")
        for key in ["mfg", "BLAS", "BLAS kernel", "C kernels", "CPU", "memory"] {
            #expect(r.stdout.split(separator: "\n").contains { $0.hasPrefix(key + " ") }, "no '\(key)' line in:\n\(r.stdout)")
        }
        #expect(r.stdout.contains(BLASLibrary.coreName))
        let version = try CLI.run(["--version"])
        #expect(version.status == 0 && version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
    }

    /// With OpenBLAS pretending to have chosen its generic Prescott kernel, `mfg` restarts itself
    /// with OPENBLAS_CORETYPE set to the CPU's best family and says so — on a CPU with AVX2 or
    /// better; without, it keeps the kernel. A user's own OPENBLAS_CORETYPE is never replaced.
    @Test func restartsWithTheBestKernelAfterAGenericChoice() throws {
        let r = try CLI.run(["info"], environment: ["MFG_BLAS_ASSUME_CORE": "Prescott"])
        #expect(r.status == 0, "\(r.stderr)")
        let cpu = CPUDescription.current()
        if let best = BLASKernelChoice.recommendedCoreType(cpu: cpu, runningCore: "Prescott", userSetting: nil) {
            #expect(r.stdout.contains("selected by mfg with OPENBLAS_CORETYPE=\(best)"), "\(r.stdout)")
            #expect(r.stdout.contains("OpenBLAS had chosen Prescott"))
        } else {
            #expect(!r.stdout.contains("selected by mfg"))
        }
        let user = try CLI.run(["info"], environment: ["MFG_BLAS_ASSUME_CORE": "Prescott", "OPENBLAS_CORETYPE": BLASLibrary.coreName])
        #expect(user.status == 0 && user.stdout.contains("set by the user") && !user.stdout.contains("selected by mfg"), "\(user.stdout)")
    }
}
