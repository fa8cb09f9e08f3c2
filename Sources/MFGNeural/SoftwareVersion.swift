/// The version of this software, written into every checkpoint and result file.
public enum SoftwareVersion {
    public static let current = "0.1.0"
}
