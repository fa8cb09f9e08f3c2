import Foundation
import Testing
import MFGNeural
@testable import MFGStore

/// The plain files beside a checkpoint: written atomically, failures as one `StoreError` naming
/// the file, tables and JSON as documented.
@Suite struct RunFilesTests {
    @Test func atomicFileReplacesAndLeavesNoTemporary() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("metrics.csv")
        try AtomicFile.save(Array("old\n".utf8), to: path)
        try AtomicFile.save(Array("new\n".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect(try dir.contents() == ["metrics.csv"])
    }

    @Test func atomicFileIntoAMissingFolderNamesTheFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("gone/summary.json")
        #expect(throws: StoreError.fileSystem(file: path, operation: "creating '\(path).tmp'",
                                              reason: "No such file or directory")) {
            try AtomicFile.save(Array("{}".utf8), to: path)
        }
        #expect(try dir.contents() == [])
    }

    /// A failed replace (a folder in the file's place) keeps what was there and removes the temporary file.
    @Test func failedReplaceKeepsTheOldAndRemovesTheTemporary() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("summary.json")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        #expect(throws: StoreError.fileSystem(file: path, operation: "rename from '\(path).tmp'", reason: "Is a directory")) {
            try AtomicFile.save(Array("{}".utf8), to: path)
        }
        #expect(try dir.contents() == ["summary.json"])
    }

    @Test func emptyHistoryIsAHeaderOnly() {
        #expect(RunMetrics.csv(TrainingHistory()) == "iteration,seconds\n")
    }

    /// A number JSON cannot hold is refused naming the file and the key, not written as text.
    @Test func nonFiniteSummaryIsRefused() throws {
        var cp = try CheckpointTests().trainedCheckpoint()
        var terms = ObjectiveTerms()
        terms.hjb = .nan
        cp.summary = terms
        let summary = try #require(RunSummary(checkpoint: cp))
        #expect(throws: StoreError.invalidArgument(file: "s.json", path: "validation.hjb",
                                                   reason: "nan is not a finite number (allowed: finite numbers)")) {
            try summary.json(file: "s.json")
        }
        cp.summary = nil
        #expect(RunSummary(checkpoint: cp) == nil)
    }

    @Test func folderKnowsItsCheckpointHoweverSpelt() throws {
        let dir = try TemporaryDirectory()
        let folder = RunFolder(dir.url.path + "/")
        #expect(folder.checkpoint == dir.path("checkpoint.h5"))
        #expect(!folder.holdsCheckpoint && !folder.isCheckpoint(folder.checkpoint))
        try Data().write(to: URL(fileURLWithPath: folder.checkpoint))
        try Data().write(to: URL(fileURLWithPath: dir.path("other.h5")))
        #expect(folder.holdsCheckpoint)
        #expect(folder.isCheckpoint(dir.url.path + "/./checkpoint.h5"))
        #expect(!folder.isCheckpoint(dir.path("other.h5")))
        try Data().write(to: URL(fileURLWithPath: folder.metrics))
        try Data().write(to: URL(fileURLWithPath: folder.summary))
        try Data().write(to: URL(fileURLWithPath: folder.checkpoint + ".tmp"))
        #expect(folder.clear(keepingCheckpoint: true) == ["summary.json"])
        #expect(try dir.contents() == ["checkpoint.h5", "metrics.csv", "other.h5"])
        #expect(folder.clear(keepingCheckpoint: false) == ["checkpoint.h5", "metrics.csv"])
        #expect(try dir.contents() == ["other.h5"])
    }
}
