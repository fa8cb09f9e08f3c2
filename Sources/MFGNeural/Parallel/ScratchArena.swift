/// Owns zero-initialised scratch buffers of any element type and frees them all at once.
final class ScratchArena {
    private var frees: [() -> Void] = []
    /// Bytes allocated so far (what memory estimates are checked against).
    private(set) var bytes = 0

    /// A zero-filled buffer of `count` elements (at least one), alive as long as the arena.
    func allocate<E: Numeric>(_ count: Int) -> UnsafeMutablePointer<E> {
        let n = max(1, count)
        let p = UnsafeMutablePointer<E>.allocate(capacity: n)
        p.initialize(repeating: 0, count: n)
        bytes += n * MemoryLayout<E>.stride
        frees.append { p.deallocate() }
        return p
    }

    deinit { for f in frees { f() } }
}
