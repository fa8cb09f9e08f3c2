#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MFGNeural

/// The output folder of one run of `mfg solve` and the files in it: `checkpoint.h5` (the source
/// of truth, `Checkpoint`), `metrics.csv` (`RunMetrics`, rewritten with every checkpoint) and
/// `summary.json` (`RunSummary`, written when the run finishes). docs/checkpoint-format.md.
public struct RunFolder: Sendable {
    public static let checkpointName = "checkpoint.h5"
    public static let metricsName = "metrics.csv"
    public static let summaryName = "summary.json"

    /// The folder, as given.
    public let path: String

    public init(_ path: String) { self.path = path }

    public var checkpoint: String { file(Self.checkpointName) }
    public var metrics: String { file(Self.metricsName) }
    public var summary: String { file(Self.summaryName) }

    /// `name` inside the folder.
    func file(_ name: String) -> String { path.hasSuffix("/") ? path + name : path + "/" + name }

    /// Whether anything (a file, a folder, a dangling link) is at the checkpoint's path.
    public var holdsCheckpoint: Bool {
        var s = stat()
        return lstat(checkpoint, &s) == 0
    }

    /// Whether `other` is this folder's checkpoint file, however spelt (relative, through links):
    /// both exist and are the same file.
    public func isCheckpoint(_ other: String) -> Bool {
        var a = stat(), b = stat()
        guard stat(checkpoint, &a) == 0, stat(other, &b) == 0 else { return false }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }

    /// Writes `metrics.csv` from `history` atomically.
    public func writeMetrics(_ history: TrainingHistory) throws(StoreError) {
        try AtomicFile.save(Array(RunMetrics.csv(history).utf8), to: metrics)
    }

    /// Writes `summary.json` atomically.
    public func writeSummary(_ summary: RunSummary) throws(StoreError) {
        try AtomicFile.save(summary.json(file: self.summary), to: self.summary)
    }

    /// Clears the folder for a run that starts writing into it: removes what a killed run may
    /// leave (`*.tmp`) and `summary.json` (it describes a finished run, and is written again when
    /// this one finishes); unless `keepingCheckpoint` (the run continues the folder's checkpoint),
    /// also `checkpoint.h5` and `metrics.csv`, which belong to another run. Folders are never
    /// removed. Returns the names of the files removed, `*.tmp` aside.
    @discardableResult
    public func clear(keepingCheckpoint: Bool) -> [String] {
        for name in [Self.checkpointName, Self.metricsName, Self.summaryName] { _ = unlink(file(name + ".tmp")) }
        let names = keepingCheckpoint ? [Self.summaryName] : [Self.checkpointName, Self.metricsName, Self.summaryName]
        return names.filter { unlink(file($0)) == 0 }
    }
}
