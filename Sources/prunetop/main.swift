import Glibc

// A file-size limit (ulimit -f) then fails a write with EFBIG, reported like a full disk,
// instead of killing the process.
signal(SIGXFSZ, SIG_IGN)
BLASStartup.reexecIfKernelIsWeak()
Prunetop.mainShowingUsageOnlyForCommandLineProblems()
