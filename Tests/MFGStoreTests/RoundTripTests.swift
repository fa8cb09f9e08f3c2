import Testing
@testable import MFGStore

@Suite struct RoundTripTests {
    @Test func numericTypesAndShapes() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("numbers.h5")
        let w = try HDF5Writer(path: path)
        try w.write([1.5, -2.25, 3e300, .pi, 0, -0.0], shape: [2, 3], to: "d/matrix")
        try w.write([Float(0.1), 2.5, -7], to: "f/vector")
        try w.write([Int64.min, -1, 0, Int64.max], shape: [2, 1, 2], to: "i/cube")
        try w.write([UInt64.max, 0, 42], to: "u")
        try w.write([7.0], shape: [], to: "scalar")
        try w.write([Double](), to: "empty/d")
        try w.write([Int64](), shape: [0, 3], to: "empty/i")
        try w.write([UInt64](), shape: [3, 0], to: "empty/u")
        try w.write([Float](), to: "empty/f")
        try w.commit()

        let r = try HDF5Reader(path: path)
        let m = try r.readDoubles("d/matrix")
        #expect(m.shape == [2, 3])
        #expect(m.values == [1.5, -2.25, 3e300, .pi, 0, -0.0])
        #expect(try r.readFloats("f/vector") == HDF5Array(values: [0.1, 2.5, -7], shape: [3]))
        #expect(try r.readDoubles("f/vector").values == [Double(Float(0.1)), 2.5, -7])
        #expect(try r.readInt64s("i/cube") == HDF5Array(values: [Int64.min, -1, 0, Int64.max], shape: [2, 1, 2]))
        #expect(try r.readUInt64s("u") == HDF5Array(values: [UInt64.max, 0, 42], shape: [3]))
        #expect(try r.read("u", as: UInt64.self).values == [UInt64.max, 0, 42])
        #expect(try r.readDoubles("scalar") == HDF5Array(values: [7.0], shape: []))
        #expect(try r.shape(of: "scalar") == [])
        #expect(try r.readDoubles("empty/d") == HDF5Array(values: [], shape: [0]))
        #expect(try r.readInt64s("empty/i") == HDF5Array(values: [], shape: [0, 3]))
        #expect(try r.readUInt64s("empty/u") == HDF5Array(values: [], shape: [3, 0]))
        #expect(try r.readFloats("empty/f") == HDF5Array(values: [], shape: [0]))
    }

    @Test func smallIntegersWidenToInt64() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("u.h5")
        let w = try HDF5Writer(path: path)
        try w.write([UInt64(3)], to: "u64")
        try w.commit()
        // uint64 cannot be read as int64 without risking overflow.
        let r = try HDF5Reader(path: path)
        #expect(throws: StoreError.self) { try r.readInt64s("u64") }
    }

    @Test func nestedGroupsAndListing() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("groups.h5")
        let w = try HDF5Writer(path: path)
        try w.createGroup("network/params")
        try w.createGroup("network/params")  // idempotent
        try w.createGroup("/solver/grid/level1")
        try w.write([1.0, 2.0], to: "network/params/W0")
        try w.write([3.0], to: "network/params/b0")
        try w.write([Int64(5)], to: "network/steps")  // parent already exists
        try w.write([Int64(1)], to: "deep/er/still/x")  // parents created implicitly
        try w.commit()

        let r = try HDF5Reader(path: path)
        #expect(try r.children() == ["deep", "network", "solver"])
        #expect(try r.children(of: "network") == ["params", "steps"])
        #expect(try r.children(of: "/network/params") == ["W0", "b0"])
        #expect(try r.children(of: "solver/grid/level1") == [])
        #expect(r.exists("network/params/W0"))
        #expect(r.exists("/network/params"))
        #expect(r.exists("/"))
        #expect(!r.exists("network/params/W9"))
        #expect(!r.exists("nope/deeper/still"))
        #expect(!r.exists("network//params"))
        #expect(r.isGroup("network/params"))
        #expect(!r.isGroup("network/steps"))
        #expect(r.isDataset("network/steps"))
        #expect(try r.readInt64s("deep/er/still/x").values == [1])
    }

    @Test func strings() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("strings.h5")
        let w = try HDF5Writer(path: path)
        try w.writeString("héllo, wörld ∑ 🚀", to: "meta/config")
        try w.writeString("", to: "meta/empty")
        try w.writeStrings(["W0", "b0", "ünïcode", ""], to: "names")
        try w.writeStrings([], to: "no_names")
        try w.writeStrings(["a", "b", "c", "d"], shape: [2, 2], to: "grid")
        try w.commit()

        let r = try HDF5Reader(path: path)
        #expect(try r.readString("meta/config") == "héllo, wörld ∑ 🚀")
        #expect(try r.readString("meta/empty") == "")
        #expect(try r.readStrings("names") == HDF5Array(values: ["W0", "b0", "ünïcode", ""], shape: [4]))
        #expect(try r.readStrings("no_names") == HDF5Array(values: [], shape: [0]))
        #expect(try r.readStrings("grid") == HDF5Array(values: ["a", "b", "c", "d"], shape: [2, 2]))
        #expect(throws: StoreError.self) { try r.readString("names") }  // not a single string
    }

    @Test func writerRejectsBadInput() throws {
        let dir = try TemporaryDirectory()
        let w = try HDF5Writer(path: dir.path("bad.h5"))
        #expect(throws: StoreError.self) { try w.write([1.0, 2.0, 3.0], shape: [2, 2], to: "x") }
        #expect(throws: StoreError.self) { try w.write([1.0], shape: [-1], to: "x") }
        #expect(throws: StoreError.self) { try w.write([1.0], shape: [Int.max, 2], to: "x") }
        #expect(throws: StoreError.self) { try w.write([1.0], to: "a//b") }
        #expect(throws: StoreError.self) { try w.write([1.0], to: "../x") }
        #expect(throws: StoreError.self) { try w.write([1.0], to: "/") }
        #expect(throws: StoreError.self) { try w.writeString("nul\u{0}inside", to: "s") }
        try w.write([1.0], to: "x")
        #expect(throws: StoreError.alreadyExists(file: dir.path("bad.h5"), path: "x")) {
            try w.write([2.0], to: "x")
        }
        // A dataset cannot become a group.
        #expect(throws: StoreError.self) { try w.write([1.0], to: "x/y") }
        #expect(throws: StoreError.self) { try w.createGroup("x") }
        try w.commit()
        #expect(throws: StoreError.writerClosed(file: dir.path("bad.h5"))) { try w.write([1.0], to: "z") }
        #expect(throws: StoreError.writerClosed(file: dir.path("bad.h5"))) { try w.commit() }
        #expect(try HDF5Reader(path: dir.path("bad.h5")).readDoubles("x").values == [1.0])
    }
}
