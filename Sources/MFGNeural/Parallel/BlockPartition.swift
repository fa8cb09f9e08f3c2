import Foundation
import MFGMath

/// Splits n samples into contiguous blocks and runs them on `threads` workers.
///
/// Every per-sample computation of the solver (network sweeps, characteristics) is
/// independent across samples; only parameter gradients are summed. Workers take blocks in a
/// fixed round-robin order (worker w gets blocks w, w + T, …) and each owns its scratch and its
/// gradient accumulator; the accumulators are summed in worker order at the end. The result
/// therefore depends only on n, the block size and the thread count, never on timing.
public struct BlockPartition: Sendable {
    public let count: Int
    public let blockSize: Int
    public let threads: Int

    public init(count: Int, blockSize: Int, threads: Int) {
        self.count = count
        self.blockSize = max(1, blockSize)
        self.threads = max(1, threads)
    }

    public var blockCount: Int { (count + blockSize - 1) / blockSize }

    /// Number of workers actually used.
    public var workers: Int { min(threads, max(1, blockCount)) }

    /// The sample range of block b.
    public func range(_ b: Int) -> Range<Int> { (b * blockSize)..<min(count, (b + 1) * blockSize) }

    /// Calls `body(worker, blockRange)` for every block, workers in parallel. OpenBLAS is set
    /// to one thread while workers run (each gemm is small; two BLAS thread pools would fight).
    public func run(_ body: (Int, Range<Int>) -> Void) {
        let workers = self.workers
        if workers == 1 {
            for b in 0..<blockCount { body(0, range(b)) }
            return
        }
        let previous = BLASThreads.current
        BLASThreads.set(1)
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var b = w
                while b < blockCount { box.value(w, range(b)); b += workers }
            }
        }
        BLASThreads.set(previous)
    }
}

extension BlockPartition {
    /// Calls `body(worker, block, blockRange)` for every block; each worker claims the next
    /// unclaimed block when it is free (dynamic scheduling), so a worker that the operating
    /// system slows down, or a slower block, does not leave the other workers idle. Which
    /// worker runs a block then depends on timing: callers keep results per block (not per
    /// worker) and combine them in block order, so the result still depends only on n and the
    /// block size. OpenBLAS is set to one thread while workers run.
    public func runDynamic(_ body: (_ worker: Int, _ block: Int, _ range: Range<Int>) -> Void) {
        let workers = self.workers, blocks = blockCount
        if workers == 1 {
            for b in 0..<blocks { body(0, b, range(b)) }
            return
        }
        let previous = BLASThreads.current
        BLASThreads.set(1)
        let next = BlockCounter()
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                while true {
                    let b = next.claim()
                    if b >= blocks { break }
                    box.value(w, b, range(b))
                }
            }
        }
        BLASThreads.set(previous)
    }
}

/// Hands out block indices 0, 1, 2, … to whichever worker asks first.
final class BlockCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func claim() -> Int {
        lock.lock(); defer { lock.unlock() }
        let v = value
        value += 1
        return v
    }
}

/// Carries a value across a concurrency boundary whose safety the caller guarantees (here:
/// workers touch disjoint blocks and their own scratch).
struct UncheckedSendable<V>: @unchecked Sendable {
    let value: V
    init(_ value: V) { self.value = value }
}
