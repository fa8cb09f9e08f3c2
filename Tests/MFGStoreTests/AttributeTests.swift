import Testing
@testable import MFGStore

@Suite struct AttributeTests {
    @Test func roundTripOnRootGroupAndDataset() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("attrs.h5")
        let w = try HDF5Writer(path: path)
        try w.write([1.0, 2.0], to: "network/params/W0")
        try w.setAttribute("format", "mfg-checkpoint")
        try w.setAttribute("version", Int64(3))
        try w.setAttribute("epoch", 12)
        try w.setAttribute("learning_rate", 1e-3, on: "network")
        try w.setAttribute("unit", "m/s ✓", on: "network/params/W0")
        try w.setAttribute("min", Int64.min, on: "/network/params/W0")
        try w.setAttribute("empty", "", on: "network/params")
        try w.setAttribute("version", Int64(4))  // replaces the earlier value
        #expect(throws: StoreError.self) { try w.setAttribute("x", 1.0, on: "missing/object") }
        #expect(throws: StoreError.self) { try w.setAttribute("", 1.0) }
        try w.commit()

        let r = try HDF5Reader(path: path)
        #expect(try r.stringAttribute("format") == "mfg-checkpoint")
        #expect(try r.int64Attribute("version") == 4)
        #expect(try r.int64Attribute("epoch", on: "/") == 12)
        #expect(try r.doubleAttribute("learning_rate", on: "network") == 1e-3)
        #expect(try r.stringAttribute("unit", on: "network/params/W0") == "m/s ✓")
        #expect(try r.int64Attribute("min", on: "network/params/W0") == Int64.min)
        #expect(try r.stringAttribute("empty", on: "network/params") == "")
        // `checksums` declares the datasets' checksums (docs/hdf5-store.md).
        #expect(try r.attributeNames() == ["checksums", "epoch", "format", "version"])
        #expect(try r.attributeNames(of: "network/params/W0") == ["min", "unit"])
        #expect(r.hasAttribute("format"))
        #expect(!r.hasAttribute("nope"))
        #expect(!r.hasAttribute("format", on: "missing"))
    }

    @Test func wrongOrMissingAttributeThrows() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("attrs.h5")
        let w = try HDF5Writer(path: path)
        try w.createGroup("g")
        try w.setAttribute("name", "x", on: "g")
        try w.setAttribute("count", 3, on: "g")
        try w.commit()

        let r = try HDF5Reader(path: path)
        #expect(throws: StoreError.missingAttribute(file: path, path: "g", name: "absent")) {
            try r.doubleAttribute("absent", on: "g")
        }
        #expect(throws: StoreError.missing(file: path, path: "h", expected: "object")) {
            try r.doubleAttribute("name", on: "h")
        }
        let error = #expect(throws: StoreError.self) { try r.doubleAttribute("name", on: "g") }
        #expect(error?.description == "\(path): attribute 'name' on 'g': expected float64, found string")
        #expect(throws: StoreError.self) { try r.stringAttribute("count", on: "g") }
        #expect(throws: StoreError.self) { try r.doubleAttribute("count", on: "g") }
        #expect(try r.int64Attribute("count", on: "g") == 3)
    }
}
