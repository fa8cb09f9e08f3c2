import Foundation
import Testing
@testable import MFGStore

@Suite struct ErrorTests {
    /// Writes a small valid file with some payload at `path`.
    private func writeSample(_ path: String) throws {
        let w = try HDF5Writer(path: path)
        try w.write((0..<4096).map(Double.init), shape: [64, 64], to: "network/K0")
        try w.writeStrings(["a", "b"], to: "names")
        try w.setAttribute("format", "sample")
        try w.commit()
    }

    @Test func missingDatasetIsNamed() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("checkpoint.h5")
        try writeSample(path)
        let r = try HDF5Reader(path: path)
        let error = #expect(throws: StoreError.self) { try r.readDoubles("network/K1") }
        #expect(error == .missing(file: path, path: "network/K1", expected: "dataset"))
        #expect(error?.description == "\(path): dataset 'network/K1' missing")
        #expect(throws: StoreError.missing(file: path, path: "nowhere/deep", expected: "dataset")) {
            try r.readInt64s("/nowhere/deep")
        }
        #expect(throws: StoreError.missing(file: path, path: "nowhere", expected: "group")) {
            try r.children(of: "nowhere")
        }
    }

    @Test func wrongTypeIsRefused() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("checkpoint.h5")
        try writeSample(path)
        let r = try HDF5Reader(path: path)
        let error = #expect(throws: StoreError.self) { try r.readInt64s("network/K0") }
        #expect(error == .typeMismatch(file: path, path: "network/K0",
                                       expected: "int64 dataset", found: "float64 dataset"))
        #expect(throws: StoreError.self) { try r.readFloats("network/K0") }  // would lose precision
        #expect(throws: StoreError.self) { try r.readUInt64s("network/K0") }
        #expect(throws: StoreError.self) { try r.readString("network/K0") }
        #expect(throws: StoreError.self) { try r.readDoubles("names") }
        #expect(throws: StoreError.typeMismatch(file: path, path: "network", expected: "dataset", found: "group")) {
            try r.readDoubles("network")
        }
        #expect(throws: StoreError.self) { try r.children(of: "network/K0") }
        #expect(throws: StoreError.self) { try r.readDoubles("bad//path") }
    }

    @Test func truncatedFileIsRefused() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("checkpoint.h5")
        try writeSample(path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StoreError.self) { try HDF5Reader(path: path) }
        guard case .notHDF5(let file, _)? = error else {
            Issue.record("expected notHDF5, got \(String(describing: error))")
            return
        }
        #expect(file == path)
        #expect(error?.description.hasPrefix("\(path): not an HDF5 file or truncated") == true)
    }

    @Test func textFileIsRefused() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("notes.h5")
        try "just some text, not HDF5\n".write(toFile: path, atomically: false, encoding: .utf8)
        let error = #expect(throws: StoreError.self) { try HDF5Reader(path: path) }
        guard case .notHDF5(let file, _)? = error else {
            Issue.record("expected notHDF5, got \(String(describing: error))")
            return
        }
        #expect(file == path)
        // An empty file is refused the same way.
        let empty = dir.path("empty.h5")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        #expect(throws: StoreError.self) { try HDF5Reader(path: empty) }
    }

    @Test func missingFileIsRefused() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("absent.h5")
        #expect(throws: StoreError.fileNotFound(file: path)) { try HDF5Reader(path: path) }
        #expect(StoreError.fileNotFound(file: path).description == "\(path): file not found")
    }

    @Test func closedReaderThrows() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("c.h5")
        try writeSample(path)
        let r = try HDF5Reader(path: path)
        r.close()
        #expect(throws: StoreError.self) { try r.readDoubles("network/K0") }
        #expect(!r.exists("network/K0"))
    }

    @Test func writerInMissingDirectoryThrows() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("no/such/dir/x.h5")
        let error = #expect(throws: StoreError.self) { try HDF5Writer(path: path) }
        #expect(error?.file == path)
    }
}
