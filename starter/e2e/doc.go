// Package e2e holds the end-to-end tests of the whole system: each starts
// a real Temporal dev server (EHC_TEMPORAL_CLI, or bin/temporal), a worker
// and a case register of its own, and drives ehc through commands.Run as
// a caseworker would. It has no code but its tests.
package e2e
