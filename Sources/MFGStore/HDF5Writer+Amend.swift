import CHDF5

/// Operations that make a file other than its readers expect: the tests use them (through
/// `Checkpoint.write(to:checksums:amending:)`) to build damaged and hostile files, so that what
/// the readers refuse is tested without a second HDF5 writer.
extension HDF5Writer {
    /// Removes the link at `path` (a dataset or a group), so that something else can be written there.
    func remove(_ path: String) throws {
        let file = try file()
        let p = try file.path(path)
        try file.check(H5Ldelete(file.id, p.hdf5Name, mfg_H5P_DEFAULT()), "remove", p)
    }

    /// Creates a float64 dataset of `shape` without writing it: a file can claim 10¹² values in a
    /// few hundred bytes (HDF5 allocates storage only when data is written).
    func reserveDoubles(shape: [Int], at path: String) throws {
        let file = try file()
        let p = try file.path(path)
        let space = try HDF5Dataspace.create(shape: shape, file: file, path: p)
        let d = mfg_H5P_DEFAULT()
        _ = try file.own(H5Dcreate2(file.id, p.hdf5Name, mfg_H5T_IEEE_F64LE(), space.id, d, d, d), .dataset, "create dataset", p)
    }
}
