package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/clvkit/clvkit"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/examples/internal/playbook"
)

const testToken = "test-token-0123456789abcdef"

// service is a Server on a fresh database behind a loopback HTTP server.
type service struct {
	t     testing.TB
	dsn   string
	store *Store
	srv   *Server
	ts    *httptest.Server
}

func newService(t testing.TB, opts ServerOptions) *service {
	t.Helper()
	s := &service{t: t, dsn: newDB(t)}
	s.start(opts)
	return s
}

// start (or restart) the server on the service's database.
func (s *service) start(opts ServerOptions) {
	s.t.Helper()
	ctx := context.Background()
	store, err := OpenStore(ctx, s.dsn)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(store.Close)
	srv := NewServer(store, testToken, opts)
	if err := srv.Load(ctx); err != nil {
		s.t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	s.t.Cleanup(ts.Close)
	s.store, s.srv, s.ts = store, srv, ts
}

// do sends a request (with the token when auth) and returns the status and
// body; it reports transport errors as errors, for goroutines.
func (s *service) do(method, path, ctype string, body io.Reader, auth bool) (int, []byte, error) {
	req, err := http.NewRequest(method, s.ts.URL+path, body)
	if err != nil {
		return 0, nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+testToken)
	}
	resp, err := s.ts.Client().Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// must is do that fails the test on a transport error or another status.
func (s *service) must(want int, method, path, ctype string, body []byte) []byte {
	s.t.Helper()
	code, b, err := s.do(method, path, ctype, bytes.NewReader(body), true)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	if code != want {
		s.t.Fatalf("%s %s: status %d, want %d: %s", method, path, code, want, b)
	}
	return b
}

func (s *service) ingest(ctype string, body []byte) ingestResult {
	s.t.Helper()
	var r ingestResult
	decode(s.t, s.must(http.StatusOK, "POST", "/v1/transactions", ctype, body), &r)
	return r
}

func (s *service) refit(asOf string) modelView {
	s.t.Helper()
	var m modelView
	decode(s.t, s.must(http.StatusOK, "POST", "/v1/refit?as_of="+asOf+"&unit=week", "", nil), &m)
	return m
}

func (s *service) customer(id string) customerView {
	s.t.Helper()
	var v customerView
	decode(s.t, s.must(http.StatusOK, "GET", "/v1/customers/"+id, "", nil), &v)
	return v
}

// count returns the number of stored transactions whose transaction_id
// starts with prefix ("" counts all).
func (s *service) count(prefix string) int {
	s.t.Helper()
	var n int
	err := s.store.pool.QueryRow(context.Background(),
		"SELECT count(*) FROM transactions WHERE $1 = '' OR starts_with(transaction_id, $1)", prefix).Scan(&n)
	if err != nil {
		s.t.Fatal(err)
	}
	return n
}

func decode(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
}

// cdnowCSV returns a CDNOW log (customer_id,date,cds,amount) as the
// service's CSV, with the line number as transaction_id.
func cdnowCSV(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"customer_id", "time", "amount", "transaction_id"})
	for i, r := range recs[1:] {
		_ = w.Write([]string{r[0], r[1], r[3], fmt.Sprintf("cdnow-%d", i+2)})
	}
	w.Flush()
	return b.Bytes()
}

const samplePath = "../../testdata/cdnow_sample.csv"

// direct computes, with clv and clvkit alone, what the service should say
// as of asOf: the models fitted on the CDNOW sample and the customer base.
type direct struct {
	bg        clv.BGNBD
	gg        clv.GammaGamma
	summaries map[string]clv.Summary
	base      *clvkit.Base
}

func computeDirect(t testing.TB, asOf string) direct {
	t.Helper()
	f, err := os.Open(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := clv.NewCSVReader(f, clv.CSVOptions{Customer: "customer_id", Time: "date", Amount: "amount"})
	if err != nil {
		t.Fatal(err)
	}
	purchases := slices.Collect(r.Purchases())
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	end, _ := time.Parse(time.DateOnly, asOf)
	var txs []clv.Transaction
	for _, p := range purchases {
		txs = append(txs, p.Transaction)
	}
	ss, err := clv.Summarize(slices.Values(txs), clv.SummaryOptions{End: end, Unit: clv.UnitWeek})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d := direct{summaries: map[string]clv.Summary{}}
	if d.bg, _, err = clv.FitBGNBD(ctx, clv.Compress(ss), clv.FitOptions{Unit: clv.UnitWeek}); err != nil {
		t.Fatal(err)
	}
	if d.gg, _, err = clv.FitGammaGamma(ctx, clv.SpendObservations(ss), clv.FitOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		d.summaries[s.ID] = s
	}
	opts, err := playbook.Options(end, time.UTC, clv.UnitWeek)
	if err != nil {
		t.Fatal(err)
	}
	opts.Purchase, opts.Spend, opts.Horizon = d.bg, d.gg, 364
	if d.base, err = clvkit.Build(ctx, slices.Values(purchases), opts); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestCDNOWEndToEnd loads the CDNOW sample over HTTP, refits as of
// 1998-06-30 and checks the answers against clv and clvkit called directly.
func TestCDNOWEndToEnd(t *testing.T) {
	s := newService(t, ServerOptions{})
	body := cdnowCSV(t, samplePath)
	if got := s.ingest("text/csv", body); got != (ingestResult{Inserted: 6919, Duplicates: 0}) {
		t.Fatalf("first load: %+v", got)
	}
	// The same log again: every row is a duplicate by transaction_id.
	if got := s.ingest("text/csv; charset=utf-8", body); got != (ingestResult{Inserted: 0, Duplicates: 6919}) {
		t.Fatalf("second load: %+v", got)
	}
	if code, b, _ := s.do("GET", "/v1/customers/0001", "", nil, false); code != http.StatusServiceUnavailable {
		t.Errorf("customer before any refit: %d %s", code, b)
	}

	m := s.refit("1998-06-30")
	want := computeDirect(t, "1998-06-30")
	pm, rep, err := clv.UnmarshalModel(m.Purchase)
	if err != nil || rep == nil || !rep.Converged {
		t.Fatalf("purchase model %s: %v", m.Purchase, err)
	}
	if bg, ok := pm.(clv.BGNBD); !ok || bg != want.bg {
		t.Errorf("service's BG/NBD %+v, clv's %+v", pm, want.bg)
	}
	sm, _, err := clv.UnmarshalModel(m.Spend)
	if gg, ok := sm.(clv.GammaGamma); err != nil || !ok || gg != want.gg {
		t.Errorf("service's Gamma-Gamma %+v (%v), clv's %+v", sm, err, want.gg)
	}
	if m.Version != 1 || m.AsOf != "1998-06-30" || m.Unit != "week" || m.Customers != 2357 || m.Transactions != 6919 {
		t.Errorf("model: %+v", m)
	}
	var cur modelView
	decode(t, s.must(http.StatusOK, "GET", "/v1/models/current", "", nil), &cur)
	if cur.Version != m.Version || !bytes.Equal(cur.Purchase, m.Purchase) || !bytes.Equal(cur.Spend, m.Spend) {
		t.Errorf("current model %+v differs from the refit's %+v", cur, m)
	}

	for _, id := range []string{"0001", "0002", "1234", "2357"} {
		v := s.customer(id)
		sum := want.summaries[id]
		if p := want.bg.ProbabilityAlive(sum); v.PAlive != p {
			t.Errorf("%s: p_alive %v, clv says %v", id, v.PAlive, p)
		}
		if e := want.bg.ExpectedPurchases(sum, 52); v.ExpectedPurchases != e {
			t.Errorf("%s: expected_purchases %v, clv says %v over 52 weeks", id, v.ExpectedPurchases, e)
		}
		c, _ := want.base.Customer(id)
		if v.Frequency != sum.Frequency || v.Recency != sum.Recency || v.T != sum.T ||
			v.CLV != c.Value.StringFixed(2) || v.ExpectedSpend != c.ExpectedSpend.StringFixed(2) ||
			v.Phase != c.Phase.String() || v.Segment != c.Segment || len(v.Offers) != len(c.Offers) {
			t.Errorf("%s: service %+v, clvkit %+v", id, v, c)
		}
		for i, o := range v.Offers {
			if o.ID != c.Offers[i].Offer.ID || o.Reason.Text != c.Offers[i].Reason.String() {
				t.Errorf("%s offer %d: %+v, clvkit %+v", id, i, o, c.Offers[i])
			}
		}
		if v.ID != id || v.ModelVersion != 1 || v.AsOf != "1998-06-30" || v.Rung == "" || v.Phase == "" {
			t.Errorf("%s: %+v", id, v)
		}
	}
	if code, _, _ := s.do("GET", "/v1/customers/no-such-customer", "", nil, false); code != http.StatusNotFound {
		t.Errorf("unknown customer: %d", code)
	}

	var top customerList
	decode(t, s.must(http.StatusOK, "GET", "/v1/customers?order=clv&limit=5", "", nil), &top)
	ranked := slices.Clone(want.base.Customers)
	slices.SortStableFunc(ranked, func(a, b clvkit.Customer) int { return b.Value.Cmp(a.Value) })
	if len(top.Customers) != 5 {
		t.Fatalf("top 5: %+v", top)
	}
	for i, v := range top.Customers {
		if v.ID != ranked[i].ID || v.CLV != ranked[i].Value.StringFixed(2) {
			t.Errorf("top %d: %s %s, clvkit %s %s", i, v.ID, v.CLV, ranked[i].ID, ranked[i].Value.StringFixed(2))
		}
	}
	for _, q := range []string{"order=p_alive", "limit=0", "limit=1001", "limit=x"} {
		if code, _, _ := s.do("GET", "/v1/customers?"+q, "", nil, false); code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", q, code)
		}
	}

	// A restart rebuilds the same view, even after a back-dated
	// transaction arrived: the model saw transactions up to its watermark.
	before := s.customer("0001")
	s.ingest("text/csv", []byte("customer_id,time,amount\n0001,1998-06-01,10.00\n"))
	s.start(ServerOptions{})
	if after := s.customer("0001"); after.PAlive != before.PAlive || after.CLV != before.CLV || after.Frequency != before.Frequency {
		t.Errorf("after a restart: %+v, before %+v", after, before)
	}
	var healthy map[string]any
	decode(t, s.must(http.StatusOK, "GET", "/healthz", "", nil), &healthy)
	if healthy["status"] != "ok" || healthy["model_version"] != 1.0 {
		t.Errorf("healthz: %v", healthy)
	}
}

// TestIngestFormats checks CSV and JSON batches, decimal amounts kept
// exactly, and duplicates by transaction_id within and across batches.
func TestIngestFormats(t *testing.T) {
	s := newService(t, ServerOptions{})
	csvBody := "transaction_id,customer_id,time,amount,product,channel\n" +
		"a1,c1,2024-01-02,10.10,book,web\n" +
		"a2,c1,2024-01-03T10:00:00+02:00,0.000000000001,,\n" +
		"a1,c1,2024-01-02,10.10,book,web\n" + // repeated within the batch
		",c2,2024-01-04,7,,\n" + // no transaction_id: never a duplicate
		",c2,2024-01-04,7,,\n"
	if got := s.ingest("text/csv", []byte(csvBody)); got != (ingestResult{Inserted: 4, Duplicates: 1}) {
		t.Errorf("CSV: %+v", got)
	}
	jsonBody := `[{"customer_id":"c3","time":"2024-02-01","amount":12.5,"transaction_id":"a2"},
		{"customer_id":"c3","time":"2024-02-01","amount":"99999999999999.999999999999","transaction_id":"j1","product":null}]`
	if got := s.ingest("application/json", []byte(jsonBody)); got != (ingestResult{Inserted: 1, Duplicates: 1}) {
		t.Errorf("JSON: %+v", got)
	}
	if got := s.ingest("application/json", []byte(`[]`)); got != (ingestResult{}) {
		t.Errorf("empty JSON batch: %+v", got)
	}
	rows, err := s.store.pool.Query(context.Background(),
		"SELECT customer_id, time, amount::text, product, channel, coalesce(transaction_id, '') FROM transactions ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var c, a, p, ch, tid string
		var tm time.Time
		if err := rows.Scan(&c, &tm, &a, &p, &ch, &tid); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join([]string{c, tm.UTC().Format(time.RFC3339), a, p, ch, tid}, "|"))
	}
	want := []string{
		"c1|2024-01-02T00:00:00Z|10.10|book|web|a1",
		"c1|2024-01-03T08:00:00Z|0.000000000001|||a2",
		"c2|2024-01-04T00:00:00Z|7|||",
		"c2|2024-01-04T00:00:00Z|7|||",
		"c3|2024-02-01T00:00:00Z|99999999999999.999999999999|||j1",
	}
	if !slices.Equal(got, want) {
		t.Errorf("stored:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestBadBatchStoresNothing checks that a bad row is a 400 naming its row
// and column, and that nothing of its batch is stored.
func TestBadBatchStoresNothing(t *testing.T) {
	s := newService(t, ServerOptions{})
	const head = "customer_id,time,amount\n"
	for _, c := range []struct {
		name, ctype, body string
		row               int
		column            string
	}{
		{"bad time", "text/csv", head + "c1,2024-01-01,1\nc2,2024-13-01,1\n", 3, "time"},
		{"negative amount", "text/csv", head + "c1,2024-01-01,1\nc2,2024-01-01,-1\n", 3, "amount"},
		{"amount not a number", "text/csv", head + "c1,2024-01-01,ten\n", 2, "amount"},
		{"too many decimals", "text/csv", head + "c1,2024-01-01,0.0000000000001\n", 2, "amount"},
		{"empty customer", "text/csv", head + "c1,2024-01-01,1\n ,2024-01-01,1\n", 3, "customer_id"},
		{"year out of range", "text/csv", head + "c1,0001-01-01,1\n", 2, "time"},
		{"missing column", "text/csv", "customer_id,time\nc1,2024-01-01\n", 1, "amount"},
		{"unknown column", "text/csv", "customer_id,date,amount\nc1,2024-01-01,1\n", 1, "date"},
		{"repeated column", "text/csv", "customer_id,time,amount,amount\nc1,2024-01-01,1,1\n", 1, "amount"},
		{"wrong field count", "text/csv", head + "c1,2024-01-01,1\nc2,2024-01-01\n", 3, ""},
		{"empty body", "text/csv", "", 1, ""},
		{"JSON bad time", "application/json", `[{"customer_id":"c1","time":"2024-01-01","amount":1},{"customer_id":"c2","time":"yesterday","amount":1}]`, 2, "time"},
		{"JSON unknown field", "application/json", `[{"customer_id":"c1","time":"2024-01-01","amount":1,"qty":2}]`, 1, "qty"},
		{"JSON number ID", "application/json", `[{"customer_id":7,"time":"2024-01-01","amount":1}]`, 1, "customer_id"},
		{"JSON not an array", "application/json", `{"customer_id":"c1"}`, 0, ""},
		{"JSON not an object", "application/json", `[{"customer_id":"c1","time":"2024-01-01","amount":1}, 3]`, 2, ""},
		{"JSON truncated", "application/json", `[{"customer_id":"c1","time":"2024-01-01","amount":1}`, 2, ""},
		{"JSON trailing data", "application/json", `[] []`, 1, ""},
	} {
		code, b, err := s.do("POST", "/v1/transactions", c.ctype, strings.NewReader(c.body), true)
		if err != nil {
			t.Fatal(err)
		}
		var e errorBody
		_ = json.Unmarshal(b, &e)
		if code != http.StatusBadRequest || e.Row != c.row || e.Column != c.column {
			t.Errorf("%s: %d %s, want 400 naming row %d column %q", c.name, code, b, c.row, c.column)
		}
	}
	if code, _, _ := s.do("POST", "/v1/transactions", "text/plain", strings.NewReader(head), true); code != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain: %d, want 415", code)
	}
	if n := s.count(""); n != 0 {
		t.Errorf("%d transactions stored from bad batches", n)
	}
}

// TestWritesNeedToken checks that writes without the right token are 401
// and store nothing, while reads need no token.
func TestWritesNeedToken(t *testing.T) {
	s := newService(t, ServerOptions{})
	body := "customer_id,time,amount\nc1,2024-01-01,1\n"
	for _, auth := range []string{"", "Bearer", "Bearer ", "Bearer wrong", "Bearer " + testToken[:len(testToken)-1],
		"Bearer " + testToken + "x", "bearer " + testToken, "Basic " + testToken, testToken, "Bearer  " + testToken} {
		for _, path := range []string{"/v1/transactions", "/v1/refit?as_of=2024-01-01"} {
			req, _ := http.NewRequest("POST", s.ts.URL+path, strings.NewReader(body))
			req.Header.Set("Content-Type", "text/csv")
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			resp, err := s.ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s with %q: %d", path, auth, resp.StatusCode)
			}
		}
	}
	if n := s.count(""); n != 0 {
		t.Errorf("%d transactions stored without the token", n)
	}
	var n int
	if err := s.store.pool.QueryRow(context.Background(), "SELECT count(*) FROM models").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d models stored without the token (%v)", n, err)
	}
	s.ingest("text/csv", []byte(body))
	if code, _, _ := s.do("GET", "/healthz", "", nil, false); code != http.StatusOK {
		t.Errorf("healthz: %d", code)
	}
}

// TestRefitNotConverged checks that a fit that does not converge is
// reported and the previous model stays current.
func TestRefitNotConverged(t *testing.T) {
	s := newService(t, ServerOptions{})
	s.ingest("text/csv", cdnowCSV(t, samplePath))
	v1 := s.refit("1997-09-30")
	// On 1997-01-01 every customer of the sample is one day old: BG/NBD
	// cannot be identified.
	for _, c := range []struct{ asOf, model string }{{"1997-01-01", "bgnbd"}, {"1996-12-31", ""}} {
		var fe fitError
		decode(t, s.must(http.StatusUnprocessableEntity, "POST", "/v1/refit?as_of="+c.asOf, "", nil), &fe)
		if fe.Model != c.model || fe.CurrentVersion != v1.Version || fe.Error == "" || (c.model != "") != (fe.Report != nil) {
			t.Errorf("refit as of %s: %+v", c.asOf, fe)
		}
	}
	var cur modelView
	decode(t, s.must(http.StatusOK, "GET", "/v1/models/current", "", nil), &cur)
	if cur.Version != v1.Version || cur.AsOf != "1997-09-30" {
		t.Errorf("current model after failed refits: %+v", cur)
	}
	if v := s.customer("0001"); v.ModelVersion != v1.Version {
		t.Errorf("customer view after failed refits: %+v", v)
	}
	for _, q := range []string{"as_of=1997-13-01", "as_of=", "as_of=1997-09-30&unit=year"} {
		if code, _, _ := s.do("POST", "/v1/refit?"+q, "", nil, true); code != http.StatusBadRequest {
			t.Errorf("refit %s: %d, want 400", q, code)
		}
	}
}

// TestConcurrentIngestAndReads runs writers sending overlapping batches,
// readers and a refit at once (with -race): every transaction_id is stored
// once, and the answers add up.
func TestConcurrentIngestAndReads(t *testing.T) {
	s := newService(t, ServerOptions{})
	s.ingest("text/csv", cdnowCSV(t, samplePath))
	s.refit("1997-09-30")

	const writers, batches, rows = 4, 5, 200
	var mu sync.Mutex
	var total ingestResult
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 100)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				// Every writer sends the same transaction IDs, in its own order.
				var body strings.Builder
				body.WriteString("customer_id,time,amount,transaction_id\n")
				for i := range rows {
					k := b*rows + (i+w*37)%rows
					fmt.Fprintf(&body, "w%d,1998-0%d-1%d,%d.%02d,c-%d\n", k%50, 1+k%6, k%10, k%90, k%100, k)
				}
				code, out, err := s.do("POST", "/v1/transactions", "text/csv", strings.NewReader(body.String()), true)
				if err != nil || code != http.StatusOK {
					errs <- fmt.Errorf("writer %d batch %d: %d %s %v", w, b, code, out, err)
					return
				}
				var r ingestResult
				if err := json.Unmarshal(out, &r); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				total.Inserted += r.Inserted
				total.Duplicates += r.Duplicates
				mu.Unlock()
			}
		}()
	}
	var readers sync.WaitGroup
	for r := range 3 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				path := []string{"/v1/customers/0001", "/v1/customers?order=clv&limit=3", "/healthz", "/v1/models/current"}[(i+r)%4]
				code, out, err := s.do("GET", path, "", nil, false)
				if err != nil || code != http.StatusOK {
					errs <- fmt.Errorf("GET %s: %d %s %v", path, code, out, err)
					return
				}
			}
		}()
	}
	refit := make(chan error, 1)
	go func() {
		code, out, err := s.do("POST", "/v1/refit?as_of=1998-06-30", "", nil, true)
		if err == nil && code != http.StatusOK {
			err = fmt.Errorf("refit during ingest: %d %s", code, out)
		}
		refit <- err
	}()
	wg.Wait()
	if err := <-refit; err != nil {
		t.Error(err)
	}
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if want := (ingestResult{Inserted: batches * rows, Duplicates: (writers - 1) * batches * rows}); total != want {
		t.Errorf("answers add up to %+v, want %+v", total, want)
	}
	if n := s.count("c-"); n != batches*rows {
		t.Errorf("%d stored, want %d", n, batches*rows)
	}
}

// TestRefitWhileReading runs readers while the model is refitted twice:
// every answer is wholly one version's, checked against clv directly.
func TestRefitWhileReading(t *testing.T) {
	s := newService(t, ServerOptions{})
	s.ingest("text/csv", cdnowCSV(t, samplePath))
	versions := map[int64]modelView{}
	m := s.refit("1997-09-30")
	versions[m.Version] = m

	ids := []string{"0001", "0002", "0100", "1000", "2357"}
	var mu sync.Mutex
	var views []customerView
	var models []modelView
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for r := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				path, v := "/v1/customers/"+ids[(i+r)%len(ids)], any(&customerView{})
				if (i+r)%3 == 0 {
					path, v = "/v1/models/current", &modelView{}
				}
				code, out, err := s.do("GET", path, "", nil, false)
				if err == nil && code != http.StatusOK {
					err = fmt.Errorf("GET %s: %d %s", path, code, out)
				}
				if err == nil {
					err = json.Unmarshal(out, v)
				}
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				switch v := v.(type) {
				case *customerView:
					views = append(views, *v)
				case *modelView:
					models = append(models, *v)
				}
				mu.Unlock()
			}
		}()
	}
	// Refit once the readers are reading.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		n := len(views)
		mu.Unlock()
		if n > 0 || time.Now().After(deadline) || len(errs) > 0 {
			break
		}
	}
	for _, asOf := range []string{"1998-06-30", "1997-12-31"} {
		m := s.refit(asOf)
		versions[m.Version] = m
	}
	// Read the last version too before stopping.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		last := len(views) > 0 && views[len(views)-1].ModelVersion == 3
		mu.Unlock()
		if last || time.Now().After(deadline) || len(errs) > 0 {
			break
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	byAsOf := map[string]direct{}
	perVersion := map[int64]int{}
	for _, v := range views {
		m, ok := versions[v.ModelVersion]
		if !ok || v.AsOf != m.AsOf {
			t.Fatalf("view of version %d as of %s: no such version", v.ModelVersion, v.AsOf)
		}
		d, ok := byAsOf[m.AsOf]
		if !ok {
			d = computeDirect(t, m.AsOf)
			byAsOf[m.AsOf] = d
		}
		pm, _, _ := clv.UnmarshalModel(m.Purchase)
		sum := d.summaries[v.ID]
		if p := pm.(clv.BGNBD).ProbabilityAlive(sum); v.PAlive != p || v.Frequency != sum.Frequency || v.T != sum.T {
			t.Fatalf("version %d, customer %s: p_alive %v x %d T %v; that version's model and data say %v, %d, %v",
				v.ModelVersion, v.ID, v.PAlive, v.Frequency, v.T, p, sum.Frequency, sum.T)
		}
		perVersion[v.ModelVersion]++
	}
	for _, got := range models {
		if want := versions[got.Version]; got.AsOf != want.AsOf || !bytes.Equal(got.Purchase, want.Purchase) || !bytes.Equal(got.Spend, want.Spend) {
			t.Fatalf("models/current version %d mixes versions: %+v, want %+v", got.Version, got, want)
		}
	}
	t.Logf("%d customer reads by model version: %v; %d model reads", len(views), perVersion, len(models))
	if perVersion[1] == 0 || perVersion[3] == 0 {
		t.Errorf("reads did not span the refits: %v", perVersion)
	}
}

// TestLimits checks oversized bodies, rows and batches over HTTP: 413 or
// 400, and nothing stored.
func TestLimits(t *testing.T) {
	s := newService(t, ServerOptions{Limits: Limits{MaxBody: 4096, MaxRows: 10, MaxRowBytes: 256}})
	const head = "customer_id,time,amount\n"
	rows := func(n int) string { return head + strings.Repeat("c1,2024-01-01,1\n", n) }
	long := strings.Repeat("x", 300)
	for _, c := range []struct {
		name, ctype string
		body        io.Reader
		code, row   int
	}{
		{"ten rows", "text/csv", strings.NewReader(rows(10)), http.StatusOK, 0},
		{"eleven rows", "text/csv", strings.NewReader(rows(11)), http.StatusRequestEntityTooLarge, 0},
		{"eleven JSON rows", "application/json", strings.NewReader("[" + strings.Repeat(`{"customer_id":"c","time":"2024-01-01","amount":1},`, 10) + `{"customer_id":"c","time":"2024-01-01","amount":1}]`), http.StatusRequestEntityTooLarge, 0},
		{"body over the limit", "text/csv", strings.NewReader(head + strings.Repeat("c1,2024-01-01,1\n", 300)), http.StatusRequestEntityTooLarge, 0},
		// Blank lines are no rows: only the body limit stops this one.
		{"chunked body over the limit", "text/csv", io.MultiReader(strings.NewReader(head), strings.NewReader(strings.Repeat("\n", 5000))), http.StatusRequestEntityTooLarge, 0},
		{"long CSV row", "text/csv", strings.NewReader(head + "c1,2024-01-01,1\n" + long + ",2024-01-01,1\n"), http.StatusBadRequest, 3},
		{"long quoted CSV row", "text/csv", strings.NewReader(head + `"` + strings.Repeat("a\n", 150) + `",2024-01-01,1` + "\n"), http.StatusBadRequest, 2},
		{"long JSON element", "application/json", strings.NewReader(`[{"customer_id":"c","time":"2024-01-01","amount":1},{"customer_id":"` + long + `"}]`), http.StatusBadRequest, 2},
		{"long field", "text/csv", strings.NewReader("customer_id,time,amount\n" + strings.Repeat("y", 200) + ",2024-01-01,1\n"), http.StatusOK, 0},
	} {
		code, b, err := s.do("POST", "/v1/transactions", c.ctype, c.body, true)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var e errorBody
		_ = json.Unmarshal(b, &e)
		if code != c.code || e.Row != c.row {
			t.Errorf("%s: %d %s, want %d (row %d)", c.name, code, b, c.code, c.row)
		}
	}
	if n := s.count(""); n != 11 {
		t.Errorf("%d stored, want the 10 + 1 rows of the batches accepted", n)
	}
}

// endless is an endless body of one repeated pattern, counting what is
// read of it.
type endless struct {
	prefix  string
	pattern byte
	read    int64
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if int(e.read) < len(e.prefix) {
			p[n] = e.prefix[e.read]
		} else {
			p[n] = e.pattern
		}
		n++
		e.read++
	}
	return n, nil
}

// TestOversizedReadsAreBounded sends endless bodies straight to the
// handler: it answers after reading little more than the limit, never
// the body.
func TestOversizedReadsAreBounded(t *testing.T) {
	const slack = 64 << 10 // the readers' buffers
	for _, c := range []struct {
		name, ctype string
		body        *endless
		limits      Limits
		code        int
		bound       int64
	}{
		{"endless body", "text/csv", &endless{prefix: "customer_id,time,amount\n", pattern: '\n'}, Limits{MaxBody: 1 << 20}, http.StatusRequestEntityTooLarge, 1<<20 + slack},
		{"endless CSV row", "text/csv", &endless{prefix: "customer_id,time,amount\nc", pattern: 'c'}, Limits{MaxBody: 1 << 30, MaxRowBytes: 1024}, http.StatusBadRequest, 1024 + slack},
		{"endless CSV header", "text/csv", &endless{pattern: 'c'}, Limits{MaxBody: 1 << 30, MaxRowBytes: 1024}, http.StatusBadRequest, 1024 + slack},
		{"endless JSON element", "application/json", &endless{prefix: `[{"customer_id":"`, pattern: 'c'}, Limits{MaxBody: 1 << 30, MaxRowBytes: 1024}, http.StatusBadRequest, 1024 + slack},
		{"endless JSON nesting", "application/json", &endless{prefix: `[`, pattern: '['}, Limits{MaxBody: 1 << 30, MaxRowBytes: 1024}, http.StatusBadRequest, 1024 + slack},
	} {
		srv := NewServer(nil, testToken, ServerOptions{Limits: c.limits})
		req := httptest.NewRequest("POST", "/v1/transactions", c.body)
		req.Header.Set("Content-Type", c.ctype)
		req.Header.Set("Authorization", "Bearer "+testToken)
		w := httptest.NewRecorder()
		srv.Handler().ServeHTTP(w, req)
		if w.Code != c.code || c.body.read > c.bound {
			t.Errorf("%s: %d after reading %d bytes, want %d after at most %d: %s", c.name, w.Code, c.body.read, c.code, c.bound, w.Body)
		}
	}
}

// TestRunRefusesToStart checks the flags the service will not start without.
func TestRunRefusesToStart(t *testing.T) {
	env := func(token string) func(string) string {
		return func(k string) string {
			if k == "CLVKIT_TOKEN" {
				return token
			}
			return ""
		}
	}
	for _, c := range []struct {
		args  []string
		token string
		want  string
	}{
		{[]string{"-db", "postgres://x/y"}, "", "CLVKIT_TOKEN"},
		{[]string{"-db", "postgres://x/y"}, "short", "at least 16"},
		{[]string{"-db", "postgres://x/y", "-token", "short"}, testToken, "at least 16"},
		{[]string{}, testToken, "-db is required"},
		{[]string{"-db", "postgres://x/y", "-tz", "Mars/Olympus"}, testToken, "-tz"},
	} {
		var log bytes.Buffer
		err := run(context.Background(), c.args, env(c.token), &log)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("run(%q) with token %q: %v, want an error saying %q", c.args, c.token, err, c.want)
		}
	}
}

// TestMigrationsOnce checks that migrations apply once, however often the
// service starts.
func TestMigrationsOnce(t *testing.T) {
	dsn := newDB(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := OpenStore(ctx, dsn)
			if err != nil {
				t.Error(err)
				return
			}
			st.Close()
		}()
	}
	wg.Wait()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil || n != 1 {
		t.Errorf("%d migrations recorded (%v), want 1", n, err)
	}
}
