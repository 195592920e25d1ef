// swift-tools-version:6.1
import PackageDescription

/// triage: a terminal workbench for reviewing merchants flagged by ML models.
///
/// Dependencies point inward: the UI, formats and store depend on `TriageCore`;
/// the SQLite and PostgreSQL backends depend on the store interface; only `TriageTerminal`
/// touches ncurses and only `TriageSQLite` and `TriagePostgres` run SQL.
let package = Package(
    name: "triage",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "triage", targets: ["triage"]),
        .executable(name: "triage-bench", targets: ["triage-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // The system ncursesw library, through a small shim header.
        .systemLibrary(
            name: "CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        // Domain types and rules: cases, scores, attributions, labels, taxonomy. No SQL, no curses.
        // The rationale prompt template is compiled in (`PackageResources.rationale_v1_prompt`).
        .target(name: "TriageCore", resources: [.embedInCode("Prompts/rationale-v1.prompt")]),
        // File formats: a strict JSON reader, JSON Lines and CSV case decoding with validation,
        // export writers, the taxonomy file, and the synthetic case generator. No SQL.
        .target(
            name: "TriageFormats",
            dependencies: [
                "TriageCore",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // The store interface every backend implements, and the import/export pipelines over it.
        .target(
            name: "TriageStore",
            dependencies: [
                "TriageCore",
                "TriageFormats",
                "CTriageSignals",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The store on SQLite through GRDB: schema, migrations, every query.
        .target(
            name: "TriageSQLite",
            dependencies: [
                "TriageCore",
                "TriageFormats",
                "TriageStore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The store on PostgreSQL through PostgresNIO (team mode): schema, roles, every query.
        .target(
            name: "TriagePostgres",
            dependencies: [
                "TriageCore",
                "TriageFormats",
                "TriageStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The LLM edge: an OpenAI-compatible chat-completions client (streaming), with retries,
        // and the rationale generator over it. No SQL, no curses.
        .target(
            name: "TriageLLM",
            dependencies: [
                "TriageCore",
                "TriageStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // State, actions, update; views drawn into an in-memory cell grid; text sanitising.
        .target(name: "TriageUI", dependencies: ["TriageCore", "TriageStore", "TriageFormats"]),
        // Signal handlers and their flag, in one C object file so every caller shares the state; and
        // the registry of temporary files those handlers remove.
        .target(name: "CTriageSignals"),
        // The only code that calls ncurses: copies the UI's grid to the terminal, reads keys.
        .target(name: "TriageTerminal", dependencies: ["CNcursesw", "CTriageSignals", "TriageUI"]),
        // The command-line interface.
        .executableTarget(
            name: "triage",
            dependencies: [
                "TriageCore", "TriageFormats", "TriageStore", "TriageSQLite", "TriagePostgres", "TriageUI", "TriageTerminal",
                "TriageLLM", "CTriageSignals", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The performance benchmark (README "Performance"): `swift run -c release triage-bench`.
        .executableTarget(
            name: "triage-bench",
            dependencies: ["TriageCore", "TriageFormats", "TriageStore", "TriageSQLite", "TriagePostgres", "TriageUI"]
        ),
        // Test helpers shared by test targets: a throwaway PostgreSQL cluster.
        .target(name: "TriageTestSupport", path: "Tests/TriageTestSupport"),
        .testTarget(name: "TriageCoreTests", dependencies: ["TriageCore"]),
        .testTarget(name: "TriageFormatsTests", dependencies: ["TriageCore", "TriageFormats"]),
        .testTarget(name: "TriageSQLiteTests", dependencies: [
            "TriageCore", "TriageFormats", "TriageStore", "TriageSQLite", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "TriageUITests", dependencies: ["TriageCore", "TriageUI", "TriageStore", "TriageFormats", "TriageSQLite", .product(name: "GRDB", package: "GRDB.swift")]),
        // The PostgreSQL store against a real server the tests start themselves, and the
        // database-location parsing.
        .testTarget(name: "TriagePostgresTests", dependencies: [
            "TriageCore", "TriageFormats", "TriageStore", "TriagePostgres", "TriageSQLite", "TriageTestSupport",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // Drive the built `triage` binary (and tmux) and read the database it wrote.
        .testTarget(name: "EndToEndTests", dependencies: [
            "triage", "TriageCore", "TriageFormats", "TriageLLM", "TriageUI", "TriageStore", "TriageTestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
    ]
)
