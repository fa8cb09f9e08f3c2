import Foundation
import MFGMath

/// Restarts `mfg` once with `OPENBLAS_CORETYPE` set when OpenBLAS picked a generic kernel on a
/// CPU that has a better one (`BLASKernelChoice`): OpenBLAS reads the variable only when it
/// loads, so the choice takes a new process image (execv of this executable with the same
/// arguments, a few milliseconds). The original choice travels in `MFG_BLAS_REEXEC`, which also
/// stops a second restart. A user's own `OPENBLAS_CORETYPE` is never overridden (it is also the
/// way to turn this off). `MFG_BLAS_ASSUME_CORE` makes the rule act as if OpenBLAS had chosen
/// that core (for the tests of this path on machines where OpenBLAS chooses well).
enum BLASKernelSelection {
    static let markerVariable = "MFG_BLAS_REEXEC"
    static let assumeVariable = "MFG_BLAS_ASSUME_CORE"

    /// What happened at start-up, for `mfg info`.
    enum Outcome {
        /// OpenBLAS's own choice stands (`recommended` is what the CPU would allow, if known).
        case kept(running: String)
        /// The user set OPENBLAS_CORETYPE.
        case userSet(String)
        /// mfg restarted with `selected`; OpenBLAS had chosen `original`.
        case selected(selected: String, original: String)
    }

    /// Called first thing in `main`: returns only if no restart is needed (or execv failed).
    static func selectIfNeeded() {
        let env = ProcessInfo.processInfo.environment
        guard env[markerVariable] == nil else { return }
        let running = env[assumeVariable] ?? BLASLibrary.coreName
        guard let core = BLASKernelChoice.recommendedCoreType(cpu: .current(), runningCore: running,
                                                               userSetting: env["OPENBLAS_CORETYPE"])
        else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(markerVariable, running, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Not restarted (no /proc?): carry on with OpenBLAS's choice.
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv(markerVariable)
    }

    static var outcome: Outcome {
        let env = ProcessInfo.processInfo.environment
        if let original = env[markerVariable], let selected = env["OPENBLAS_CORETYPE"] {
            return .selected(selected: selected, original: original)
        }
        if let user = env["OPENBLAS_CORETYPE"], !user.isEmpty { return .userSet(user) }
        return .kept(running: BLASLibrary.coreName)
    }
}
