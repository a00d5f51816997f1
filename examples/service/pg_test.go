package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The tests run against a real PostgreSQL: TestMain starts one throwaway
// cluster per test binary (initdb on a temporary directory, postgres
// listening only on a Unix socket in that directory, so no port can
// collide) and every test gets a fresh database in it.

// childEnv makes the test binary run the service's main instead of the
// tests: TestKillDuringIngest starts it as a process it can kill.
const childEnv = "CLVKIT_SERVICE_TEST_MAIN"

var (
	pg     *cluster // nil when PostgreSQL is absent outside CI
	pgSkip string   // why, then
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	c, err := startCluster()
	switch {
	case errors.Is(err, errNoPostgres) && os.Getenv("CI") == "":
		pgSkip = err.Error() + "; not in CI, so the tests that need it skip (install Debian's postgresql package to run them)"
		fmt.Fprintln(os.Stderr, "service tests:", pgSkip)
	case err != nil:
		fmt.Fprintln(os.Stderr, "service tests: starting PostgreSQL:", err)
		return 1
	default:
		pg = c
		defer c.stop()
	}
	return m.Run()
}

var errNoPostgres = errors.New("PostgreSQL's initdb and postgres are neither on PATH nor in /usr/lib/postgresql/*/bin")

// findPostgres returns the directory holding initdb, postgres and pg_ctl:
// initdb's on PATH (symlinks resolved, since initdb finds postgres beside
// itself), else the newest /usr/lib/postgresql/N/bin.
func findPostgres() (string, error) {
	var dirs []string
	if p, err := exec.LookPath("initdb"); err == nil {
		if p, err = filepath.EvalSymlinks(p); err == nil {
			dirs = append(dirs, filepath.Dir(p))
		}
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(d string) int { n, _ := strconv.Atoi(filepath.Base(filepath.Dir(d))); return n }
	slices.SortFunc(found, func(a, b string) int { return version(b) - version(a) })
	for _, d := range append(dirs, found...) {
		ok := true
		for _, bin := range []string{"initdb", "postgres", "pg_ctl"} {
			if _, err := os.Stat(filepath.Join(d, bin)); err != nil {
				ok = false
			}
		}
		if ok {
			return d, nil
		}
	}
	return "", errNoPostgres
}

// cluster is a running throwaway PostgreSQL.
type cluster struct {
	bin, dir string // binaries; the temporary directory (data in dir/data, the socket in dir)
	cmd      *exec.Cmd
	exited   chan error
	admin    *pgxpool.Pool
	owner    *owner // the unprivileged user running it when the tests run as root
	log      *os.File
}

// owner is the user PostgreSQL runs as when the tests run as root: initdb
// and postgres refuse to run as root.
type owner struct{ uid, gid uint32 }

func postgresOwner() (*owner, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	if runtime.GOOS != "linux" {
		return nil, errors.New("running as root, PostgreSQL must run as another user, which these tests do only on Linux")
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, PostgreSQL needs an unprivileged user: %w (Debian's postgresql package creates user postgres)", err)
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	return &owner{uid: uint32(uid), gid: uint32(gid)}, nil
}

// pgPort only names the socket file: postgres listens on no TCP port.
const pgPort = 5432

func startCluster() (_ *cluster, err error) {
	bin, err := findPostgres()
	if err != nil {
		return nil, err
	}
	own, err := postgresOwner()
	if err != nil {
		return nil, err
	}
	// The socket's path must stay short (about 100 bytes at most), and
	// as root the postgres user must be able to reach the directory: use
	// /tmp then rather than a TMPDIR that may be private or long.
	parent := os.TempDir()
	if own != nil || len(parent) > 60 {
		parent = "/tmp"
	}
	dir, err := os.MkdirTemp(parent, "clvkit-pg-")
	if err != nil {
		return nil, err
	}
	c := &cluster{bin: bin, dir: dir, owner: own, exited: make(chan error, 1)}
	defer func() {
		if err != nil {
			c.stop()
		}
	}()
	if own != nil {
		if err := os.Chown(dir, int(own.uid), int(own.gid)); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
	initdb.SysProcAttr = procAttr(own)
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb in %s: %v\n%s", dir, err, out)
	}
	if c.log, err = os.Create(filepath.Join(dir, "postgres.log")); err != nil {
		return nil, err
	}
	// No TCP, a socket in our directory; fsync off (a test cluster needs
	// no durability against power loss, only against a killed client).
	c.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-k", dir, "-p", strconv.Itoa(pgPort),
		"-c", "listen_addresses=", "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=200")
	c.cmd.Stdout, c.cmd.Stderr = c.log, c.log
	c.cmd.SysProcAttr = procAttr(own)
	started := make(chan error, 1)
	go func() {
		// postgres gets SIGQUIT (immediate shutdown) if the thread that
		// started it exits (see procAttr): lock this goroutine to its
		// thread for postgres's whole life, so that thread lives as long
		// as the test binary, and a killed test binary leaves no server.
		runtime.LockOSThread()
		if err := c.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		c.exited <- c.cmd.Wait()
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for {
		c.admin, err = pgxpool.New(ctx, c.dsn("postgres"))
		if err == nil {
			if err = c.admin.Ping(ctx); err == nil {
				return c, nil
			}
			c.admin.Close()
			c.admin = nil
		}
		select {
		case werr := <-c.exited:
			c.exited <- werr
			return nil, fmt.Errorf("postgres exited: %v\n%s", werr, c.logTail())
		case <-ctx.Done():
			return nil, fmt.Errorf("postgres not ready after 2 minutes: %v\n%s", err, c.logTail())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (c *cluster) logTail() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// dsn is the connection string of database name.
func (c *cluster) dsn(name string) string {
	return fmt.Sprintf("host=%s port=%d user=postgres dbname=%s sslmode=disable", c.dir, pgPort, name)
}

// stop shuts the cluster down with pg_ctl (fast mode: sessions are ended)
// and removes its directory.
func (c *cluster) stop() {
	if c.admin != nil {
		c.admin.Close()
	}
	if c.cmd != nil && c.cmd.Process != nil {
		stop := exec.Command(filepath.Join(c.bin, "pg_ctl"), "stop", "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w", "-t", "60")
		stop.SysProcAttr = procAttr(c.owner)
		if out, err := stop.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "service tests: pg_ctl stop: %v\n%s", err, out)
			_ = c.cmd.Process.Kill()
		}
		select {
		case <-c.exited:
		case <-time.After(time.Minute):
		}
	}
	if c.log != nil {
		c.log.Close()
	}
	os.RemoveAll(c.dir)
}

var dbSeq atomic.Int64

// newDB creates a fresh database for t, dropped at its end, and returns
// its connection string. It skips t when PostgreSQL is absent outside CI.
func newDB(t testing.TB) string {
	t.Helper()
	if pg == nil {
		t.Skip(pgSkip)
	}
	name := fmt.Sprintf("test_%d", dbSeq.Add(1))
	ctx := context.Background()
	if _, err := pg.admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := pg.admin.Exec(ctx, "DROP DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Logf("dropping %s: %v", name, err)
		}
	})
	return pg.dsn(name)
}
