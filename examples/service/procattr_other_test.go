//go:build !linux

package main

import "syscall"

// procAttr has nothing to set outside Linux, where postgresOwner refuses
// to run the tests as root.
func procAttr(*owner) *syscall.SysProcAttr { return nil }
