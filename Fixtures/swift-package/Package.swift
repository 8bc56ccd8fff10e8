// swift-tools-version:6.2
// A Swift web project that lists devserve as a dependency, the way a user's project would (with
// a URL and a version instead of the local path). `swift run devserve` runs the tool;
// `swift run site-preview` runs SitePreview, which embeds the DevServe library.
import PackageDescription

let package = Package(
    name: "swift-package",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "devserve", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "site-preview",
            dependencies: [.product(name: "DevServe", package: "devserve")],
            path: "Sources/SitePreview"
        ),
    ]
)
