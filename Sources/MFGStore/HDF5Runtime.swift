import CHDF5

/// Process-wide HDF5 housekeeping: silencing the library's own error printing and
/// turning its error stack into a message for `StoreError`.
enum HDF5Runtime {
    /// Turns off HDF5's automatic printing of error stacks to stderr and clears any
    /// stale errors. In thread-safe HDF5 builds this setting is per thread, so every
    /// public entry point calls it before touching the library.
    static func prepare() {
        _ = mfg_silence_errors()
        _ = H5Eclear2(mfg_H5E_DEFAULT())
    }

    /// The descriptions on the calling thread's HDF5 error stack, innermost last,
    /// reduced to the most specific non-empty one ("" if the stack is empty).
    static func lastErrorDetail() -> String {
        final class Collector { var messages: [String] = [] }
        let collector = Collector()
        let walker: H5E_walk2_t = { _, errorDescription, clientData in
            guard let errorDescription, let clientData else { return 0 }
            let box = Unmanaged<Collector>.fromOpaque(clientData).takeUnretainedValue()
            if let desc = errorDescription.pointee.desc {
                let text = String(cString: desc)
                if !text.isEmpty { box.messages.append(text) }
            }
            return 0
        }
        let context = Unmanaged.passUnretained(collector).toOpaque()
        _ = H5Ewalk2(mfg_H5E_DEFAULT(), H5E_WALK_DOWNWARD, walker, context)
        withExtendedLifetime(collector) {}
        _ = H5Eclear2(mfg_H5E_DEFAULT())
        return collector.messages.last ?? ""
    }
}
