import Foundation
import Pipeline
import Testing

@Suite struct RunLockTests {
    @Test func secondHolderIsRefusedAtOnce() throws {
        let directory = try TestDirectory()
        let state = directory.file("data/state")
        let first = try RunLock.acquire(stateDirectory: state)
        #expect(FileManager.default.fileExists(atPath: directory.file("data/state/lock")))
        let started = Date()
        let error = #expect(throws: MailstatsError.self) { try RunLock.acquire(stateDirectory: state) }
        #expect(error?.code == .locked)
        #expect(Date().timeIntervalSince(started) < 2)
        first.release()
        let again = try RunLock.acquire(stateDirectory: state)
        again.release()
    }

    @Test func dropsTheLockOnDeinit() throws {
        let directory = try TestDirectory()
        do { _ = try RunLock.acquire(stateDirectory: directory.path) }
        let next = try RunLock.acquire(stateDirectory: directory.path)
        next.release()
        next.release()  // harmless twice
    }

    /// Another process sees our lock (flock(1) with -n fails at once with status 1).
    @Test func anotherProcessIsRefused() throws {
        let directory = try TestDirectory()
        let lock = try RunLock.acquire(stateDirectory: directory.path)
        #expect(try flockCommand(directory.file("lock")) == 1)
        lock.release()
        #expect(try flockCommand(directory.file("lock")) == 0)
    }

    /// A lock held by another process refuses us.
    @Test func lockHeldByAnotherProcessRefusesUs() throws {
        let directory = try TestDirectory()
        try directory.write("lock", [])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        // The child holds the lock until its stdin closes.
        process.arguments = ["-x", directory.file("lock"), "-c", "echo held; read ignored"]
        let pipe = Pipe()
        let input = Pipe()
        process.standardOutput = pipe
        process.standardInput = input
        try process.run()
        defer {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
        let line = pipe.fileHandleForReading.availableData  // returns once the child holds the lock
        #expect(String(decoding: line, as: UTF8.self).hasPrefix("held"))
        let error = #expect(throws: MailstatsError.self) { try RunLock.acquire(stateDirectory: directory.path) }
        #expect(error?.code == .locked)
    }

    func flockCommand(_ path: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        process.arguments = ["-n", path, "true"]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
