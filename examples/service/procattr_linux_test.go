package main

import "syscall"

// procAttr runs a PostgreSQL program as own (when the tests run as root),
// and has it sent SIGQUIT, PostgreSQL's immediate shutdown, when the
// thread that started it exits, so a test binary that is killed or times
// out leaves no server behind.
func procAttr(own *owner) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Pdeathsig: syscall.SIGQUIT, Setpgid: true}
	if own != nil {
		a.Credential = &syscall.Credential{Uid: own.uid, Gid: own.gid}
	}
	return a
}
