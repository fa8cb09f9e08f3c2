import Foundation

/// Ctrl-C (SIGINT) and job schedulers' SIGTERM: the first signal sets a flag that the training
/// loop checks after each iteration (it then writes a checkpoint and exits 128 + the signal
/// number: 130 for SIGINT, 143 for SIGTERM); a second one exits at once with that code.
/// The handler only stores to a `sig_atomic_t` and calls `_exit`, both async-signal-safe.
enum Interrupt {
    nonisolated(unsafe) private static var received: sig_atomic_t = 0

    static func install() {
        // A launcher may start us with these signals blocked (the mask is inherited): a blocked
        // SIGTERM would stay pending and the run would go on until SIGKILL.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        for s in [SIGINT, SIGTERM] {
            signal(s) { number in
                if Interrupt.received != 0 { _exit(128 + number) }
                Interrupt.received = number
            }
        }
    }

    static var isRequested: Bool { received != 0 }

    /// The exit code for the signal received: 128 + its number.
    static var exitCode: Int32 { 128 + received }

    /// "Ctrl-C (SIGINT)" or "SIGTERM".
    static var signalName: String { received == SIGTERM ? "SIGTERM" : "Ctrl-C (SIGINT)" }
}
