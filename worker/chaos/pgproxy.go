package main

import (
	"io"
	"net"
	"sync"
	"time"
)

// pgProxy stands between the worker and PostgreSQL. While refusing, it
// resets every connection it holds and each new one as it arrives, so the
// worker sees PostgreSQL refuse connections, as in a failover.
type pgProxy struct {
	ln       net.Listener
	upstream string

	mu       sync.Mutex
	refusing bool
	conns    map[net.Conn]struct{}
	refused  int
	windows  []interval
}

func startPGProxy(upstream string) (*pgProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &pgProxy{ln: ln, upstream: upstream, conns: map[net.Conn]struct{}{}}
	go p.serve()
	return p, nil
}

func (p *pgProxy) addr() string { return p.ln.Addr().String() }

func (p *pgProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		refusing := p.refusing
		if refusing {
			p.refused++
		} else {
			p.conns[c] = struct{}{}
		}
		p.mu.Unlock()
		if refusing {
			reset(c)
			continue
		}
		go p.pipe(c)
	}
}

func (p *pgProxy) pipe(c net.Conn) {
	defer p.forget(c)
	up, err := net.DialTimeout("tcp", p.upstream, 5*time.Second)
	if err != nil {
		reset(c)
		return
	}
	p.mu.Lock()
	p.conns[up] = struct{}{}
	p.mu.Unlock()
	defer p.forget(up)
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, up); done <- struct{}{} }()
	<-done
	reset(c)
	reset(up)
}

func (p *pgProxy) forget(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

// refuse resets every connection now and refuses new ones for d.
func (p *pgProxy) refuse(d time.Duration) {
	p.mu.Lock()
	p.refusing = true
	start := time.Now()
	for c := range p.conns {
		reset(c)
	}
	p.mu.Unlock()
	time.Sleep(d)
	p.mu.Lock()
	p.refusing = false
	p.windows = append(p.windows, interval{start, time.Now()})
	p.mu.Unlock()
}

func (p *pgProxy) close() { _ = p.ln.Close() }

// reset closes c with a TCP RST rather than a clean FIN.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}
