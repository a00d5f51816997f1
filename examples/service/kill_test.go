package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// process is the service running as a process of its own (this test
// binary, running main), so that a test can kill it.
type process struct {
	t      *testing.T
	cmd    *exec.Cmd
	url    string
	mu     sync.Mutex
	lines  []string
	events chan string
	exited chan error
}

func startProcess(t *testing.T, dsn string) *process {
	t.Helper()
	p := &process{t: t, events: make(chan string, 1000), exited: make(chan error, 1)}
	p.cmd = exec.Command(os.Args[0], "-db", dsn, "-addr", "127.0.0.1:0", "-log-level", "debug")
	p.cmd.Env = append(os.Environ(), childEnv+"=1", "CLVKIT_TOKEN="+testToken)
	p.cmd.SysProcAttr = procAttr(nil) // dies with the test binary
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.lines = append(p.lines, line)
			p.mu.Unlock()
			select {
			case p.events <- line:
			default:
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		p.exited <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
		p.exited <- nil
	})
	line := p.await("msg=listening")
	_, addr, _ := strings.Cut(line, "addr=")
	p.url = "http://" + strings.TrimSpace(addr)
	return p
}

// await returns the first line of the service's log from now on that
// contains s.
func (p *process) await(s string) string {
	p.t.Helper()
	timeout := time.After(2 * time.Minute)
	for {
		select {
		case line := <-p.events:
			if strings.Contains(line, s) {
				return line
			}
		case err := <-p.exited:
			p.exited <- err
			p.t.Fatalf("service exited (%v) before logging %q:\n%s", err, s, p.log())
		case <-timeout:
			p.t.Fatalf("service did not log %q in 2 minutes:\n%s", s, p.log())
		}
	}
}

func (p *process) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n")
}

func (p *process) post(body string) (int, string, error) {
	req, _ := http.NewRequest("POST", p.url+"/v1/transactions", strings.NewReader(body))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func batch(prefix string, n int) string {
	var b strings.Builder
	b.WriteString("customer_id,time,amount,transaction_id\n")
	for i := range n {
		fmt.Fprintf(&b, "c%d,1998-%02d-%02d,%d.50,%s-%d\n", i%5000, 1+i%12, 1+i%28, i%100, prefix, i)
	}
	return b.String()
}

// TestKillDuringIngest kills the service with SIGKILL while it stores a
// large batch, restarts it, and checks that every acknowledged batch is
// there and the killed one wholly or not at all; sending it again stores
// exactly what is missing.
func TestKillDuringIngest(t *testing.T) {
	dsn := newDB(t)
	p := startProcess(t, dsn)
	const small, large = 1000, 100_000
	for b := range 5 {
		code, out, err := p.post(batch(fmt.Sprintf("ack%d", b), small))
		if err != nil || code != http.StatusOK {
			t.Fatalf("batch %d: %d %s %v", b, code, out, err)
		}
	}
	big := batch("big", large)
	type answer struct {
		code int
		err  error
	}
	answered := make(chan answer, 1)
	go func() {
		code, _, err := p.post(big)
		answered <- answer{code, err}
	}()
	p.await(fmt.Sprintf("msg=\"storing batch\" rows=%d", large))
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	a := <-answered

	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	stored := func(prefix string) int {
		t.Helper()
		// The killed session's transaction ends when PostgreSQL sees the
		// connection close; wait for it to be gone.
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
			var busy bool
			if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL)`).Scan(&busy); err != nil {
				t.Fatal(err)
			}
			if !busy || time.Now().After(deadline) {
				break
			}
		}
		var n int
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM transactions WHERE starts_with(transaction_id, $1)", prefix).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for b := range 5 {
		if n := stored(fmt.Sprintf("ack%d-", b)); n != small {
			t.Errorf("acknowledged batch %d: %d of %d rows stored", b, n, small)
		}
	}
	n := stored("big-")
	switch {
	case a.err == nil && a.code == http.StatusOK && n != large:
		t.Errorf("the large batch was acknowledged but %d of %d rows are stored", n, large)
	case n != 0 && n != large:
		t.Errorf("a partial batch is stored: %d of %d rows", n, large)
	}
	t.Logf("killed during the large batch (answer %d, %v): %d of its rows stored", a.code, a.err, n)

	q := startProcess(t, dsn)
	code, out, err := q.post(big)
	if err != nil || code != http.StatusOK {
		t.Fatalf("sending the large batch again: %d %s %v", code, out, err)
	}
	if want := fmt.Sprintf(`{"inserted":%d,"duplicates":%d}`, large-n, n); strings.TrimSpace(out) != want {
		t.Errorf("sending the large batch again: %s, want %s", out, want)
	}
	if n := stored("big-"); n != large {
		t.Errorf("after sending it again, %d of %d rows", n, large)
	}
	// A clean stop: SIGTERM shuts the server down gracefully.
	if err := q.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-q.exited; err != nil {
		t.Errorf("after SIGTERM: %v\n%s", err, q.log())
	}
	q.exited <- nil
}
