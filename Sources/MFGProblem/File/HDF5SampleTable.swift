import CHDF5

/// Reads one 2-D floating-point dataset of an HDF5 file as a table of samples, shape (N, d) with
/// one row per agent (as h5py writes a numpy array of that shape), strictly: the rank, the
/// column count and the row limit are checked from the dataspace before anything is allocated,
/// the element type must be a float (any size; read converted to Double), and a non-finite
/// entry is refused naming its row and column. Errors are reasons without the problem file's
/// prefix, like `SampleFileReader`'s; all but "not an HDF5 file" concern the dataset.
enum HDF5SampleTable {
    /// The dataset `dataset` of the file at `path` (written `name` in the problem), transposed
    /// into d × N column-major.
    static func read(path: String, dataset: String, name: String, columns d: Int,
                     maximumRows: Int) throws(MatrixFileError) -> [Double] {
        _ = mfg_silence_errors()
        defer { _ = H5Eclear2(mfg_H5E_DEFAULT()) }
        let file = H5Fopen(path, mfg_H5F_ACC_RDONLY(), mfg_H5P_DEFAULT())
        guard file >= 0 else { throw MatrixFileError("\(name): is not an HDF5 file (it cannot be opened as one)") }
        defer { _ = H5Fclose(file) }
        guard H5Lexists(file, dataset, mfg_H5P_DEFAULT()) > 0 else {
            throw MatrixFileError("\(name): has no dataset '\(dataset)'", concernsDataset: true)
        }
        let set = H5Dopen2(file, dataset, mfg_H5P_DEFAULT())
        guard set >= 0 else { throw MatrixFileError("\(name): '\(dataset)' is not a dataset", concernsDataset: true) }
        defer { _ = H5Dclose(set) }
        let type = H5Dget_type(set)
        guard type >= 0 else { throw MatrixFileError("\(name): cannot read the type of '\(dataset)'", concernsDataset: true) }
        defer { _ = H5Tclose(type) }
        guard H5Tget_class(type) == H5T_FLOAT else {
            throw MatrixFileError("\(name): '\(dataset)' does not hold floating-point numbers (allowed: float32 or float64)",
                                  concernsDataset: true)
        }
        let space = H5Dget_space(set)
        guard space >= 0 else { throw MatrixFileError("\(name): cannot read the shape of '\(dataset)'", concernsDataset: true) }
        defer { _ = H5Sclose(space) }
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank == 2 else {
            throw MatrixFileError("\(name): '\(dataset)' has \(rank) dimension\(rank == 1 ? "" : "s") "
                                  + "(allowed: 2, shape (N, \(d)), one row per sample)", concernsDataset: true)
        }
        var dims = [hsize_t](repeating: 0, count: 2)
        guard H5Sget_simple_extent_dims(space, &dims, nil) == 2 else {
            throw MatrixFileError("\(name): cannot read the shape of '\(dataset)'", concernsDataset: true)
        }
        let n = Int(clamping: dims[0]), columns = Int(clamping: dims[1])
        guard columns == d else {
            throw MatrixFileError("\(name): '\(dataset)' has \(columns) columns but dimension is \(d) (allowed: shape (N, \(d)))",
                                  concernsDataset: true)
        }
        guard n <= maximumRows else {
            throw MatrixFileError("\(name): '\(dataset)' has \(n) samples (allowed: at most \(maximumRows) at dimension \(d))",
                                  concernsDataset: true)
        }
        var rows = [Double](repeating: 0, count: n * d)
        let status = rows.withUnsafeMutableBytes {
            H5Dread(set, mfg_H5T_NATIVE_DOUBLE(), mfg_H5S_ALL(), mfg_H5S_ALL(), mfg_H5P_DEFAULT(), $0.baseAddress)
        }
        guard status >= 0 else { throw MatrixFileError("\(name): cannot read '\(dataset)'", concernsDataset: true) }
        // Row-major (N, d) as stored is already d × N column-major: sample k's coordinate i at i + k·d.
        for k in 0..<n {
            for i in 0..<d where !rows[i + k * d].isFinite {
                throw MatrixFileError("\(name): '\(dataset)' row \(k + 1), column \(i + 1) is not a finite number",
                                      concernsDataset: true)
            }
        }
        return rows
    }
}
