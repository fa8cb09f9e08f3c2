// swift-tools-version:6.0
// A Swift program that uses mfg as a library, through a *versioned* dependency: it loads a
// problem file, trains it, writes a checkpoint and reads it back (docs/library.md).
//
// The dependency is this repository's git URL at a tag ≥ 0.1.0. MFG_PACKAGE_URL names it
// (scripts/check-library-example.sh sets it to a tagged local clone); without it, the
// repository this example sits in (which must then carry such a tag).
import Foundation
import PackageDescription

let url = ProcessInfo.processInfo.environment["MFG_PACKAGE_URL"]
    ?? "file://" + URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().deletingLastPathComponent().path
/// SwiftPM names a URL dependency by the URL's last path component (without ".git").
let identity = URL(string: url)?.deletingPathExtension().lastPathComponent ?? "MeanFieldGames"

let package = Package(
    name: "UseMFG",
    dependencies: [.package(url: url, from: "0.1.0")],
    targets: [
        .executableTarget(name: "use-mfg", dependencies: [
            .product(name: "MFGProblem", package: identity),
            .product(name: "MFGNeural", package: identity),
            .product(name: "MFGStore", package: identity),
        ]),
    ]
)
