//go:build !linux

package dev

import "syscall"

// sysProcAttr leaves a child in ehc dev's process group: the terminal's
// Ctrl-C reaches every part of the stack at once, as it did when a shell
// script ran it, and ehc dev then waits for each in order.
func sysProcAttr() *syscall.SysProcAttr { return nil }
