import Foundation
import Testing
@testable import MFGStore

@Suite struct AtomicWriteTests {
    @Test func uncommittedWriterLeavesNoFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("run.h5")
        do {
            let w = try HDF5Writer(path: path)
            try w.write([1.0, 2.0], to: "x")
            #expect(FileManager.default.fileExists(atPath: w.temporaryPath))
            #expect(!FileManager.default.fileExists(atPath: path))
        }  // released without commit
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try dir.contents() == [])  // temporary file removed too
    }

    @Test func uncommittedWriterKeepsExistingFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("run.h5")
        let old = try HDF5Writer(path: path)
        try old.write([1.0, 2.0, 3.0], to: "x")
        try old.commit()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        let w = try HDF5Writer(path: path)
        try w.write([9.0], to: "x")
        try w.write([9.0], to: "y")
        // While the new file is being written the old one is intact and readable.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try HDF5Reader(path: path).readDoubles("x").values == [1.0, 2.0, 3.0])
        w.discard()
        w.discard()  // idempotent
        #expect(throws: StoreError.writerClosed(file: path)) { try w.commit() }

        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try dir.contents() == ["run.h5"])
    }

    @Test func commitReplacesExistingFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("run.h5")
        for generation in 1...3 {
            let w = try HDF5Writer(path: path)
            try w.write([Int64(generation)], to: "generation")
            try w.commit()
            #expect(!w.isOpen)
            #expect(try HDF5Reader(path: path).readInt64s("generation").values == [Int64(generation)])
        }
        #expect(try dir.contents() == ["run.h5"])
    }

    @Test func staleTemporaryFileIsOverwritten() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("run.h5")
        try "garbage from a crashed run".write(toFile: path + ".tmp", atomically: false, encoding: .utf8)
        let w = try HDF5Writer(path: path)
        try w.write([1.0], to: "x")
        try w.commit()
        #expect(try HDF5Reader(path: path).readDoubles("x").values == [1.0])
        #expect(try dir.contents() == ["run.h5"])
    }
}
