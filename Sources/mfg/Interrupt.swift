import Foundation

/// Ctrl-C handling: the first SIGINT sets a flag that the training loop checks after each
/// iteration (it then writes a checkpoint and exits); a second one exits at once.
enum Interrupt {
    nonisolated(unsafe) private static var requested: sig_atomic_t = 0

    static func install() {
        signal(SIGINT) { _ in
            if Interrupt.requested != 0 { _exit(130) }
            Interrupt.requested = 1
        }
    }

    static var isRequested: Bool { requested != 0 }
}
