"""The harness shared by the test suites and the benchmarks: child processes and waits
(`processes`), ports, HTTP polls, the feed server, the app in production mode, Chromium; and
the suite's check that generated tracked files are left alone (`tracked_files`)."""
