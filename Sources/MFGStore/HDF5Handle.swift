import CHDF5

/// Owns one HDF5 identifier and closes it when released, so that no early `throw`
/// can leak a dataset, dataspace, type, attribute or property list.
final class HDF5Handle {
    /// What kind of identifier this is, selecting the matching close function.
    enum Kind { case file, group, dataset, dataspace, datatype, attribute, propertyList, object }

    let id: hid_t
    let kind: Kind
    private var isOpen = true

    /// Wraps `id`, which must be valid (non-negative).
    init(_ id: hid_t, _ kind: Kind) {
        self.id = id
        self.kind = kind
    }

    /// Closes the identifier now; returns false if HDF5 reported a failure.
    @discardableResult
    func close() -> Bool {
        guard isOpen else { return true }
        isOpen = false
        let status: herr_t
        switch kind {
        case .file: status = H5Fclose(id)
        case .group: status = H5Gclose(id)
        case .dataset: status = H5Dclose(id)
        case .dataspace: status = H5Sclose(id)
        case .datatype: status = H5Tclose(id)
        case .attribute: status = H5Aclose(id)
        case .propertyList: status = H5Pclose(id)
        case .object: status = H5Oclose(id)
        }
        return status >= 0
    }

    deinit { close() }
}
