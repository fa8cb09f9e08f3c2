import Foundation
import Testing
@testable import MFGProblem

/// The strict .npy and .csv readers, on files written by numpy (Tests/Fixtures/covariances).
@Suite("Matrix files")
struct MatrixFileTests {
    let spd: [[Double]] = [[2, 0.5, -0.3], [0.5, 1, 0.2], [-0.3, 0.2, 0.7]]

    func read(_ name: String, dimension d: Int = 3) throws(MatrixFileError) -> [[Double]] {
        try MatrixFileReader.read(path: covarianceFixtures + "/" + name, name: name, dimension: d)
    }

    func reason(_ name: String, dimension d: Int = 3) -> String? {
        do { _ = try read(name, dimension: d); return nil } catch { return error.reason }
    }

    /// float64 (format 1.0 and 2.0) and the %.17g CSV give the matrix bit for bit; float32 gives
    /// it rounded to Float; numpy's space-separated savetxt is read too.
    @Test func goodFilesAreRead() throws {
        #expect(try read("spd3.npy") == spd)
        #expect(try read("spd3-v2.npy") == spd)
        #expect(try read("spd3.csv") == spd)
        #expect(try read("spd3-spaces.csv") == spd)
        #expect(try read("spd3-f4.npy") == spd.map { $0.map { Double(Float($0)) } })
    }

    /// C and Fortran order of the same non-symmetric array read as the same rows.
    @Test func fortranOrderIsHonoured() throws {
        let rows: [[Double]] = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
        #expect(try read("asym3-c.npy") == rows)
        #expect(try read("asym3-fortran.npy") == rows)
    }

    @Test func badFilesAreRefusedWithAReason() {
        #expect(reason("bad-bigendian.npy")
                == "bad-bigendian.npy: data type '>f8' is not allowed (allowed: '<f8' float64 or '<f4' float32, little-endian)")
        #expect(reason("bad-int.npy")
                == "bad-int.npy: data type '<i8' is not allowed (allowed: '<f8' float64 or '<f4' float32, little-endian)")
        #expect(reason("bad-1d.npy") == "bad-1d.npy: shape (9,) is not 2-D (allowed: (3, 3))")
        #expect(reason("spd3.npy", dimension: 4) == "spd3.npy: shape (3, 3) but dimension is 4 (allowed: (4, 4))")
        #expect(reason("bad-truncated.npy") == "bad-truncated.npy: has 64 bytes of data, expected 72 for a 3 × 3 array")
        #expect(reason("bad-magic.npy") == "bad-magic.npy: not a .npy file (it does not start with \\x93NUMPY)")
        #expect(reason("ragged.csv") == "ragged.csv: line 2 has 2 values but dimension is 3")
        #expect(reason("not-a-number.csv") == "not-a-number.csv: line 3, value 2: 'one' is not a finite number")
        #expect(reason("spd3.csv", dimension: 2) == "spd3.csv: line 1 has 3 values but dimension is 2")
        #expect(reason("spd3.csv", dimension: 4) == "spd3.csv: line 1 has 3 values but dimension is 4")
        #expect(reason("missing.npy") == "cannot read missing.npy (\(covarianceFixtures)/missing.npy): no such file")
        #expect(reason("README.md") == "README.md: unknown file type (allowed: .csv, .npy)")
    }

    /// The header parser takes numpy's dict literal apart (strings, booleans, tuples).
    @Test func npyHeaderFields() throws {
        let f = try NPYReader.headerFields("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 3), }    \n", name: "x")
        #expect(f == ["descr": "'<f8'", "fortran_order": "False", "shape": "(3, 3)"])
    }
}
