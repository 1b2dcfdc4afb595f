package dev

import "syscall"

// sysProcAttr puts a child in a process group of its own, so that the
// terminal's Ctrl-C reaches ehc dev alone, which then stops the children in
// order; and has the kernel send the child SIGTERM should ehc dev die
// without stopping it (Pdeathsig: strictly, when the thread that started it
// ends, which the Go runtime does only for a goroutine locked to its thread,
// and this package locks none).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
