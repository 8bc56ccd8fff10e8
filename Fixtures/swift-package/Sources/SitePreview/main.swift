// A static-site generator's preview server, built on the DevServe library: it serves Public/
// with live reload, and after each build tells the pages which build they show, through a
// custom event (`devserve.on('preview-updated', fn)` in the page).
import DevServe
import Foundation

let folder = FileManager.default.currentDirectoryPath
let port = Int(ProcessInfo.processInfo.environment["PORT"] ?? "") ?? 8080
let server = DevServer(
    configuration: DevServeConfiguration(root: folder + "/Public", projectFolder: folder, port: port)
) { url in
    FileHandle.standardOutput.write(Data((url + "\n").utf8))  // unbuffered, for scripts reading it
}

struct Preview: Encodable { var build: Int }

try await withThrowingDiscardingTaskGroup { group in
    let events = server.events()
    group.addTask {
        for await event in events where event.kind == .built {
            try server.publish(custom: "preview-updated", detail: Preview(build: event.id))
        }
    }
    try await server.run()
    group.cancelAll()
}
