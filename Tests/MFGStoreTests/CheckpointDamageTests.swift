import Foundation
import Testing
import MFGNeural
import MFGProblem
@testable import MFGStore

/// Damaged and hostile checkpoints: each is refused by `Checkpoint.read` with one line naming
/// the file and the attribute or dataset, before anything is allocated from the sizes it claims.
/// The damage is made with the store's own writer (`Checkpoint.write(to:checksums:amending:)`)
/// or by flipping bits in the file's bytes.
extension CheckpointTests {
    /// The message reading `path` fails with (nil when it reads).
    func refusal(_ path: String) -> String? {
        do { _ = try Checkpoint.read(from: path); return nil } catch { return error.description }
    }

    /// A checkpoint of `cp` at a fresh path, with `amend` applied before the commit.
    func damaged(_ cp: Checkpoint, _ name: String, checksums: Bool = true,
                 _ amend: ((HDF5Writer) throws -> Void)? = nil) throws -> String {
        let path = tempPath(name)
        try cp.write(to: path, checksums: checksums, amending: amend)
        return path
    }

    /// Network attributes beyond the limits of problem files are refused before the shape they
    /// imply is used (a width of 10⁸ once crashed every command in the allocator).
    @Test func networkAttributesOutOfRange() throws {
        let cp = try trainedCheckpoint()
        let wide = try damaged(cp, "wide.h5") { try $0.setAttribute("width", 100_000_000, on: "network") }
        #expect(refusal(wide) == "\(wide): damaged checkpoint: attribute 'width' on 'network' is 100000000 (allowed: 1...4096)")
        let negative = try damaged(cp, "negative.h5") { try $0.setAttribute("dimension", -3, on: "network") }
        #expect(refusal(negative) == "\(negative): damaged checkpoint: attribute 'dimension' on 'network' is -3 (allowed: 1...100000)")
        let rank = try damaged(cp, "rank.h5") { try $0.setAttribute("rank", 9, on: "network") }
        #expect(refusal(rank) == "\(rank): damaged checkpoint: attribute 'rank' on 'network' is 9 (allowed: 1...4)")
    }

    /// A dataset claiming 4·10¹² values (a few hundred bytes on disk) is refused from its shape.
    @Test func hugeDatasetsAreRefusedFromTheirShape() throws {
        let cp = try trainedCheckpoint()
        let k0 = try damaged(cp, "k0.h5") {
            try $0.remove("network/parameters/K0")
            try $0.reserveDoubles(shape: [1_000_000_000_000, 4], at: "network/parameters/K0")
        }
        #expect(refusal(k0) == "\(k0): damaged checkpoint: 'network/parameters/K0' has shape [1000000000000, 4] (expected [6, 4])")
        let history = try damaged(cp, "history.h5") {
            try $0.remove("history/seconds")
            try $0.reserveDoubles(shape: [1_000_000_000_000], at: "history/seconds")
        }
        #expect(refusal(history) == "\(history): damaged checkpoint: 'history/seconds' has shape [1000000000000] (expected [3])")
        let iterations = try damaged(cp, "iterations.h5") {
            try $0.remove("history/iterations")
            try $0.reserveDoubles(shape: [1_000_000_000_000], at: "history/iterations")
        }
        #expect(refusal(iterations) == "\(iterations): damaged checkpoint: 'history/iterations' has 1000000000000 entries "
                + "(allowed: at most 3, one record per iteration)")
        let source = try damaged(cp, "source.h5") {
            try $0.remove("problem/source")
            try $0.writeString(String(repeating: "x", count: ProblemLimits.fileBytes + 1), to: "problem/source")
        }
        #expect(refusal(source) == "\(source): damaged checkpoint: 'problem/source' holds 4194305 bytes of text "
                + "(allowed: at most 4194304)")
    }

    /// Stored paths of the wrong shape (an `ell` of the wrong length once trapped).
    @Test func pathsOfTheWrongShape() throws {
        let cp = try trainedCheckpoint()
        let ell = try damaged(cp, "ell.h5") {
            try $0.remove("paths/ell")
            try $0.write([Double](repeating: 0, count: 3 * 4), shape: [3, 4], to: "paths/ell")
        }
        #expect(refusal(ell) == "\(ell): damaged checkpoint: 'paths/ell' has shape [3, 4] (expected [3, 5])")
        let z = try damaged(cp, "z.h5") {
            try $0.remove("paths/z")
            try $0.write([Double](repeating: 0, count: 3 * 5 * 2), shape: [3, 5, 2], to: "paths/z")
        }
        #expect(refusal(z) == "\(z): damaged checkpoint: 'paths/z' has shape [3, 5, 2] (expected [3, 5, 3])")
    }

    /// A non-finite parameter is refused with the dataset and its position (counting from 1).
    @Test func nonFiniteNumbersAreRefused() throws {
        var cp = try trainedCheckpoint()
        let k1 = ParameterLayout(cp.shape).block("K1")!
        cp.state.bestParameters[k1.offset + 2 + 1 * k1.rows] = .nan        // row 3, column 2
        let nan = try damaged(cp, "nan.h5")
        #expect(refusal(nan) == "\(nan): damaged checkpoint: 'network/best_parameters/K1' holds nan at [3, 2] (allowed: finite numbers)")
        var inf = try trainedCheckpoint()
        inf.state.optimizer.vectors["v"]![7] = -.infinity
        let infPath = try damaged(inf, "inf.h5")
        #expect(refusal(infPath) == "\(infPath): damaged checkpoint: 'optimizer/vectors/v' holds -inf at [8] (allowed: finite numbers)")
        var summary = try trainedCheckpoint()
        summary.summary?.terminal = .nan
        let summaryPath = try damaged(summary, "summary.h5")
        #expect(refusal(summaryPath) == "\(summaryPath): damaged checkpoint: attribute 'terminal' on 'summary' is nan (allowed: finite)")
    }

    /// Counters that make no sense, and optimizer state of the wrong size, are refused on reading
    /// (a negative iteration or a truncated vector was accepted on resume and read past its end).
    @Test func countersAndOptimizerState() throws {
        var cp = try trainedCheckpoint()
        cp.state.iteration = -5
        let negative = try damaged(cp, "negative.h5")
        #expect(refusal(negative) == "\(negative): damaged checkpoint: attribute 'iteration' on 'training' is -5 (allowed: 0...3)")
        var truncated = try trainedCheckpoint()
        let p = truncated.state.parameters.count
        truncated.state.optimizer.vectors["m"]!.removeLast(10)
        let short = try damaged(truncated, "short.h5")
        #expect(refusal(short) == "\(short): damaged checkpoint: 'optimizer/vectors/m' has shape [\(p - 10)] (expected [\(p)])")
        let step = try damaged(try trainedCheckpoint(), "step.h5") { try $0.setAttribute("step", -1, on: "optimizer") }
        #expect(refusal(step) == "\(step): damaged checkpoint: attribute 'step' on 'optimizer' is -1 (allowed: 0...3)")
        let extra = try damaged(try trainedCheckpoint(), "extra.h5") {
            try $0.write([Double](repeating: 0, count: p), to: "optimizer/vectors/s4")
        }
        #expect(refusal(extra) == "\(extra): damaged checkpoint: 'optimizer/vectors' holds m, s4, v (allowed for adam: m, v)")
    }

    /// A bit flipped inside a stored number (an array, a scalar, the problem text) is noticed by
    /// its checksum; in a checkpoint written before checksums it cannot be, and the reader says so.
    @Test func flippedBitsAreNoticed() throws {
        let cp = try trainedCheckpoint()
        let k1 = ParameterLayout(cp.shape).block("K1")!
        func flipped(_ name: String, checksums: Bool = true, _ pattern: [UInt8]) throws -> String {
            let path = try damaged(cp, name, checksums: checksums)
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let at = try #require((0...(bytes.count - pattern.count)).first { Array(bytes[$0..<($0 + pattern.count)]) == pattern })
            bytes[at] ^= 0x01
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
        func pattern(_ v: Double) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }
        let array = try flipped("array.h5", pattern(cp.state.bestParameters[k1.offset + 7]))
        #expect(refusal(array)?.hasPrefix("\(array): damaged checkpoint: 'network/") == true)
        #expect(refusal(array)?.hasSuffix("/K1': checksum mismatch: the stored data was damaged after it was written") == true)
        let scalar = try flipped("scalar.h5", pattern(cp.state.bestParameters.last!))
        #expect(refusal(scalar)?.hasSuffix("/b': checksum mismatch: the stored data was damaged after it was written") == true)
        let text = try flipped("text.h5", Array("kinetic_weight: 2".utf8))
        #expect(refusal(text) == "\(text): damaged checkpoint: 'problem/source': checksum mismatch: the stored data was damaged "
                + "after it was written")
        // Without checksums the same flip goes through; the checkpoint says it was not verified.
        let old = try flipped("old.h5", checksums: false, pattern(cp.state.bestParameters[k1.offset + 7]))
        let read = try Checkpoint.read(from: old)
        #expect(!read.checksummed && read.state != cp.state)
        #expect(try Checkpoint.read(from: try damaged(cp, "plain.h5", checksums: false)).state == cp.state)
        #expect(try Checkpoint.read(from: try damaged(cp, "sound.h5")).checksummed)
    }

    /// In a file that declares checksums, a dataset without one is damage (e.g. rewritten by another tool).
    @Test func missingChecksumIsRefused() throws {
        let cp = try trainedCheckpoint()
        let block = ParameterLayout(cp.shape).block("w")!
        let path = try damaged(cp, "missing.h5") { w in
            try w.remove("network/parameters/w")
            w.checksums = false
            try w.write(Array(cp.state.parameters[block.range]), shape: block.shape, to: "network/parameters/w")
            w.checksums = true
        }
        #expect(refusal(path) == "\(path): damaged checkpoint: 'network/parameters/w' carries no checksum although the file "
                + "was written with checksums")
    }

    /// A directory or a FIFO given as a checkpoint is named as such (opening a FIFO would block).
    @Test func pathsThatAreNotFiles() throws {
        let dir = tempPath("dir.h5")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        #expect(refusal(dir) == "\(dir): is a directory (allowed: a regular file)")
        let fifo = tempPath("fifo.h5")
        #expect(mkfifo(fifo, 0o644) == 0)
        #expect(refusal(fifo) == "\(fifo): is a named pipe (FIFO) (allowed: a regular file)")
        #expect(refusal(tempPath("none.h5")) == "\(tempPath("none.h5")): no such file")
    }
}
