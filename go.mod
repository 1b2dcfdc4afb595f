module github.com/ehc-send/ehc

go 1.26.8

require go.temporal.io/sdk v1.50.0 // indirect
