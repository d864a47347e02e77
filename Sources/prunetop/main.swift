BLASStartup.reexecIfKernelIsWeak()
Prunetop.main()
